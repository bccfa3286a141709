import { Schema } from 'mongoose';
import {
  LOYALTY_EVENT_TYPES,
  LOYALTY_POINTS_ADJUSTED,
  LOYALTY_POINTS_EARNED,
  LOYALTY_POINTS_EXPIRED,
  LOYALTY_POINTS_REDEEMED,
  LOYALTY_REDEMPTION_REVERSED,
  LOYALTY_REWARD_ISSUED,
  LOYALTY_TIER_DOWNGRADED,
  LOYALTY_TIER_UPGRADED,
  parseStreamId,
  type CustomerEventRecord,
  type LoyaltyEvent,
} from '@crm/contracts';
import {
  downgradeDueAt,
  evolveAccount,
  evolvePendingOrders,
  nextExpiryAt,
  tierOf,
  type LoyaltyAccount,
  type LoyaltyProgram,
  type PendingOrders,
} from '@crm/loyalty-domain';
import type { DocumentProjection, ReadModelRegistration } from '@crm/projections';
import { loyaltyEventFromRecord } from '../accounts/loyalty-event-mapping';

export const LOYALTY_ACCOUNT_MODEL = 'LoyaltyAccount';
export const LOYALTY_LEDGER_MODEL = 'LoyaltyLedgerEntry';
export const LOYALTY_PENDING_MODEL = 'LoyaltyPendingOrders';

const LOYALTY_TYPES = new Set<string>(LOYALTY_EVENT_TYPES);

/** The customer a loyalty-stream record belongs to; null for records of other streams or types. */
function loyaltyCustomer(record: CustomerEventRecord): string | null {
  if (!LOYALTY_TYPES.has(record.envelope.type) || record.streamId === undefined) return null;
  const stream = parseStreamId(record.streamId);
  return stream?.category === 'loyalty' ? stream.customerId : null;
}

/**
 * The account document: the account's state as its events make it (the same `evolveAccount` as
 * the write side), plus what the scheduler and the tier counts query: the resolved tier, when
 * the next lot expires, and when a downgrade becomes due.
 */
export type AccountDocument = LoyaltyAccount & { tierId: string; nextExpiryAt: string | null; tierDowngradeDueAt: string | null };

export function accountProjection(program: LoyaltyProgram): DocumentProjection<AccountDocument> {
  return {
    name: 'loyalty-account',
    schemaVersion: 1,
    documentId: loyaltyCustomer,
    evolve: (state, record) => {
      const account = evolveAccount(state, loyaltyEventFromRecord(record));
      return {
        ...account,
        tierId: tierOf(program, account.tier).id,
        nextExpiryAt: nextExpiryAt(account),
        tierDowngradeDueAt: account.mergedInto === null ? downgradeDueAt(account, program) : null,
      };
    },
  };
}

/** One ledger line per loyalty event, keyed by event id: points signed as they moved the balance. */
export interface LedgerEntry {
  readonly eventId: string;
  readonly customerId: string;
  readonly revision: number;
  readonly type: string;
  readonly at: string;
  /** Signed: what the event did to the available points (0 for tier changes and issued rewards). */
  readonly points: number;
  /** Balances after the event (tier changes and issued rewards carry none). */
  readonly balance: number | null;
  readonly lifetimeEarned: number | null;
  readonly description: string;
  readonly orderId?: string;
  readonly redemptionId?: string;
  readonly rewardId?: string;
  readonly tier?: { readonly from: string | null; readonly to: string };
}

export const ledgerProjection: DocumentProjection<LedgerEntry> = {
  name: 'loyalty-ledger',
  schemaVersion: 1,
  documentId: (record) => (loyaltyCustomer(record) === null ? null : record.envelope.id),
  evolve: (_state, record) => ledgerEntry(loyaltyEventFromRecord(record), loyaltyCustomer(record) ?? record.envelope.subject, record.streamRevision),
};

export function ledgerEntry(event: LoyaltyEvent, customerId: string, revision: number): LedgerEntry {
  const base = { eventId: event.id, customerId, revision, type: event.type, at: new Date(event.time).toISOString() };
  switch (event.type) {
    case LOYALTY_POINTS_EARNED: {
      const d = event.data;
      const what = d.rule === 'order' ? `order ${d.orderId}` : d.rule;
      return { ...base, points: d.points, balance: d.balance, lifetimeEarned: d.lifetimeEarned, description: `earned for ${what}`, ...(d.orderId ? { orderId: d.orderId } : {}) };
    }
    case LOYALTY_POINTS_REDEEMED: {
      const d = event.data;
      return {
        ...base, points: -d.points, balance: d.balance, lifetimeEarned: d.lifetimeEarned, redemptionId: d.redemptionId,
        description: d.rewardId ? `redeemed for reward ${d.rewardId}` : 'redeemed', ...(d.rewardId ? { rewardId: d.rewardId } : {}),
      };
    }
    case LOYALTY_POINTS_EXPIRED: {
      const d = event.data;
      return { ...base, points: -d.points, balance: d.balance, lifetimeEarned: d.lifetimeEarned, description: `expired (${d.lots?.length ?? 0} earning(s) reached their expiry date)` };
    }
    case LOYALTY_POINTS_ADJUSTED: {
      const d = event.data;
      return { ...base, points: d.points, balance: d.balance, lifetimeEarned: d.lifetimeEarned, description: d.reason, ...(d.orderId ? { orderId: d.orderId } : {}) };
    }
    case LOYALTY_TIER_UPGRADED:
    case LOYALTY_TIER_DOWNGRADED: {
      const d = event.data;
      const verb = event.type === LOYALTY_TIER_UPGRADED ? 'upgraded' : 'downgraded';
      return { ...base, points: 0, balance: null, lifetimeEarned: null, description: `tier ${verb} to ${d.to}: ${d.reason}`, tier: { from: d.from, to: d.to } };
    }
    case LOYALTY_REWARD_ISSUED: {
      const d = event.data;
      return { ...base, points: 0, balance: null, lifetimeEarned: null, description: `reward ${d.rewardName ?? d.rewardId} issued`, redemptionId: d.redemptionId, rewardId: d.rewardId };
    }
    case LOYALTY_REDEMPTION_REVERSED: {
      const d = event.data;
      return { ...base, points: d.points, balance: d.balance, lifetimeEarned: d.lifetimeEarned, description: `redemption reversed: ${d.reason}`, redemptionId: d.redemptionId, ...(d.rewardId ? { rewardId: d.rewardId } : {}) };
    }
  }
}

/** Orders placed and not yet completed, from the customer's own stream: the account's pending points. */
export const pendingOrdersProjection: DocumentProjection<PendingOrders> = {
  name: 'loyalty-pending-orders',
  schemaVersion: 1,
  documentId: (record) => {
    if (record.streamId !== undefined && parseStreamId(record.streamId)?.category !== 'customer') return null;
    return ['crm.order.placed', 'crm.order.completed', 'crm.order.refunded'].includes(record.envelope.type) ? record.envelope.subject : null;
  },
  evolve: (state, record) => evolvePendingOrders(state, record.envelope),
};

const schemaOf = (collection: string) => new Schema({ _id: String }, { collection, strict: false, versionKey: false, _id: false });

export function loyaltyReadModels(program: LoyaltyProgram): ReadModelRegistration[] {
  const accounts = schemaOf('loyalty_accounts');
  // What the scheduler and the tier counts look for (mongo-java-server ignores them; MongoDB uses them).
  accounts.index({ nextExpiryAt: 1 });
  accounts.index({ tierDowngradeDueAt: 1 });
  accounts.index({ tierId: 1 });
  const ledger = schemaOf('loyalty_ledger');
  ledger.index({ customerId: 1, revision: -1 });
  return [
    { name: LOYALTY_ACCOUNT_MODEL, schema: accounts, projection: accountProjection(program) as DocumentProjection<object> },
    { name: LOYALTY_LEDGER_MODEL, schema: ledger, projection: ledgerProjection as DocumentProjection<object> },
    { name: LOYALTY_PENDING_MODEL, schema: schemaOf('loyalty_pending_orders'), projection: pendingOrdersProjection as DocumentProjection<object> },
  ];
}
