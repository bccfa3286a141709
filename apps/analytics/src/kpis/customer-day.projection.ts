import { CUSTOMER_MERGED } from '@crm/contracts';
import { Schema } from 'mongoose';
import { customerDayId, evolveCustomerDay, type CustomerDay } from '@crm/analytics-domain';
import type { DocumentProjection, ReadModelRegistration } from '@crm/projections';

export const CUSTOMER_DAY_MODEL = 'CustomerDay';

/**
 * One document per customer per UTC day (`YYYY-MM-DD|customerId`): each belongs to a single
 * customer stream, so the revision guard holds. Daily and period KPIs are summed from these at
 * query time instead of being kept as shared per-day counters a redelivery would bump twice.
 */
export const customerDayProjection: DocumentProjection<CustomerDay> = {
  name: 'customer-day',
  schemaVersion: 1,
  // A merge is not customer activity: past activity stays on the day and id it happened under.
  documentId: (record) => (record.envelope.type === CUSTOMER_MERGED ? null : customerDayId(record.envelope)),
  evolve: (state, record) => evolveCustomerDay(state, record.envelope),
};

export const customerDaySchema = new Schema(
  { _id: String },
  { collection: 'customer_days', strict: false, versionKey: false, _id: false },
);
// KPI queries select a range of days.
customerDaySchema.index({ day: 1 });

export const customerDayReadModel: ReadModelRegistration = {
  name: CUSTOMER_DAY_MODEL,
  schema: customerDaySchema,
  projection: customerDayProjection as DocumentProjection<object>,
};
