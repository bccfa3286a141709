import { Schema } from 'mongoose';
import { absorbLoyaltyBalance, DEFAULT_PROGRAM, evolveLoyaltyBalance, type LoyaltyBalance } from '@crm/loyalty-domain';
import type { DocumentProjection, ReadModelRegistration } from '@crm/projections';

export const LOYALTY_BALANCE_MODEL = 'LoyaltyBalance';

/**
 * One account per customer. Points are earned inside the customer's own document, so the
 * per-document revision guard makes a redelivered order earn nothing the second time.
 */
export const loyaltyBalanceProjection: DocumentProjection<LoyaltyBalance> = {
  name: 'loyalty-balance',
  schemaVersion: 1,
  documentId: (record) => record.envelope.subject,
  evolve: (state, record) => evolveLoyaltyBalance(state, record.envelope, DEFAULT_PROGRAM),
  absorb: (survivor, merged, survivorId) => absorbLoyaltyBalance(survivor, merged, survivorId, DEFAULT_PROGRAM),
};

export const loyaltyBalanceSchema = new Schema(
  { _id: String },
  { collection: 'loyalty_accounts', strict: false, versionKey: false, _id: false },
);
// Members per tier are counted at query time.
loyaltyBalanceSchema.index({ tier: 1 });

export const loyaltyBalanceReadModel: ReadModelRegistration = {
  name: LOYALTY_BALANCE_MODEL,
  schema: loyaltyBalanceSchema,
  projection: loyaltyBalanceProjection as DocumentProjection<object>,
};
