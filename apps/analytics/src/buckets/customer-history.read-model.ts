import { Schema } from 'mongoose';
import { BUCKET_KEYS, evolveCustomerHistory, type CustomerHistory } from '@crm/analytics-domain';
import type { DocumentProjection, ReadModelRegistration } from '@crm/projections';
import { fromStream } from './stream-lane';

export const CUSTOMER_HISTORY_MODEL = 'CustomerHistory';

/**
 * One document per customer (its id): purchase days, refunds, open tickets, merges. Cohorts, the
 * historical CLV and the purchase models read these, one per customer. A merge is recorded on the
 * merged customer's document (`mergedInto`); readers add it to its survivor's at query time.
 */
export const customerHistoryProjection: DocumentProjection<CustomerHistory> = {
  name: 'customer-history',
  schemaVersion: 1,
  documentId: (record) => (fromStream(record, 'customer') ? BUCKET_KEYS.customerHistory(record.envelope) : null),
  evolve: (state, record) => evolveCustomerHistory(state, record.envelope),
};

export const customerHistorySchema = new Schema({ _id: String }, { collection: 'customer_histories', strict: false, versionKey: false, _id: false });
customerHistorySchema.index({ mergedInto: 1 });

export const customerHistoryReadModel: ReadModelRegistration = {
  name: CUSTOMER_HISTORY_MODEL,
  schema: customerHistorySchema,
  projection: customerHistoryProjection as DocumentProjection<object>,
};
