import { Schema } from 'mongoose';
import { BUCKET_KEYS, evolveCustomerDay, type CustomerDay } from '@crm/analytics-domain';
import type { DocumentProjection, ReadModelRegistration } from '@crm/projections';
import { fromStream } from './stream-lane';

export const CUSTOMER_DAY_MODEL = 'CustomerDay';

/**
 * One document per customer per UTC day (`YYYY-MM-DD|customerId`), from the customer's own
 * stream: period KPIs are summed from the documents of the period's days, never from events.
 */
export const customerDayProjection: DocumentProjection<CustomerDay> = {
  name: 'customer-day',
  // 2: refunds, orders per currency, leads, opportunity stages, tickets, NPS and CSAT.
  schemaVersion: 2,
  documentId: (record) => (fromStream(record, 'customer') ? BUCKET_KEYS.customerDay(record.envelope) : null),
  evolve: (state, record) => evolveCustomerDay(state, record.envelope),
};

export const customerDaySchema = new Schema({ _id: String }, { collection: 'customer_days', strict: false, versionKey: false, _id: false });
// KPI queries select a range of days (and, for a segment, its customers).
customerDaySchema.index({ day: 1 });

export const customerDayReadModel: ReadModelRegistration = {
  name: CUSTOMER_DAY_MODEL,
  schema: customerDaySchema,
  projection: customerDayProjection as DocumentProjection<object>,
};
