import { Schema } from 'mongoose';
import { BUCKET_KEYS, evolveLoyaltyDay, type LoyaltyDay } from '@crm/analytics-domain';
import type { DocumentProjection, ReadModelRegistration } from '@crm/projections';
import { fromStream } from './stream-lane';

export const LOYALTY_DAY_MODEL = 'LoyaltyDay';

/** One document per member per UTC day, from the member's loyalty stream (`crm.loyalty-events.v1`). */
export const loyaltyDayProjection: DocumentProjection<LoyaltyDay> = {
  name: 'loyalty-day',
  schemaVersion: 1,
  documentId: (record) => (fromStream(record, 'loyalty') ? BUCKET_KEYS.loyaltyDay(record.envelope) : null),
  evolve: (state, record) => evolveLoyaltyDay(state, record.envelope),
};

export const loyaltyDaySchema = new Schema({ _id: String }, { collection: 'loyalty_days', strict: false, versionKey: false, _id: false });
loyaltyDaySchema.index({ day: 1 });

export const loyaltyDayReadModel: ReadModelRegistration = {
  name: LOYALTY_DAY_MODEL,
  schema: loyaltyDaySchema,
  projection: loyaltyDayProjection as DocumentProjection<object>,
};
