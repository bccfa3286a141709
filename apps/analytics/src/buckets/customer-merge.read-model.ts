import { Schema } from 'mongoose';
import { BUCKET_KEYS, evolveCustomerMerge, type CustomerMerge } from '@crm/analytics-domain';
import type { DocumentProjection, ReadModelRegistration } from '@crm/projections';
import { fromStream } from './stream-lane';

export const CUSTOMER_MERGE_MODEL = 'CustomerMerge';

/** One document per merged customer (its id → its survivor): every query resolves merges from these few documents. */
export const customerMergeProjection: DocumentProjection<CustomerMerge> = {
  name: 'customer-merge',
  schemaVersion: 1,
  documentId: (record) => (fromStream(record, 'customer') ? BUCKET_KEYS.merge(record.envelope) : null),
  evolve: (state, record) => evolveCustomerMerge(state, record.envelope),
};

export const customerMergeSchema = new Schema({ _id: String }, { collection: 'customer_merges', strict: false, versionKey: false, _id: false });

export const customerMergeReadModel: ReadModelRegistration = {
  name: CUSTOMER_MERGE_MODEL,
  schema: customerMergeSchema,
  projection: customerMergeProjection as DocumentProjection<object>,
};
