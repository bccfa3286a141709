import {
  LOYALTY_POINTS_ADJUSTED,
  LOYALTY_POINTS_EARNED,
  LOYALTY_POINTS_EXPIRED,
  LOYALTY_POINTS_REDEEMED,
  LOYALTY_REDEMPTION_REVERSED,
  LOYALTY_REWARD_ISSUED,
  LOYALTY_TIER_DOWNGRADED,
  LOYALTY_TIER_UPGRADED,
  type AccountTransfer,
  type LotMovement,
  type LoyaltyEvent,
  type OrderEarning,
  type PointsAdjustedData,
  type QualifyingActivity,
} from '@crm/contracts';
import { toInstant } from '../time';
import { moveLots, planDebit, remainingPoints, settleDebt, type PointsLot } from './lots';

export interface RedemptionRecord {
  readonly redemptionId: string;
  readonly points: number;
  readonly rewardId: string | null;
  readonly code: string | null;
  readonly lots: readonly LotMovement[];
  readonly at: string;
  readonly reversed: boolean;
}

/**
 * A customer's loyalty account, as its events (stream `loyalty-<customerId>`) make it. Invariant:
 * `balance = sum of lots' remaining − debt`, and an account with a debt has nothing left in any lot.
 */
export interface LoyaltyAccount {
  readonly customerId: string;
  /** Points the customer can spend now (negative while a refund's debt is unpaid). */
  readonly balance: number;
  readonly lifetimeEarned: number;
  /** Points owed after a refund took back points already spent; paid from the next points in. */
  readonly debt: number;
  /** null: the program's lowest tier (no tier event yet). */
  readonly tier: string | null;
  readonly tierSince: string | null;
  readonly lots: readonly PointsLot[];
  readonly orders: readonly OrderEarning[];
  readonly redemptions: readonly RedemptionRecord[];
  /** What counts toward tiers, dated; refunds add negative entries at the refunded order's date. */
  readonly qualifying: readonly QualifyingActivity[];
  /** Refunds, adjustments and merges already applied (earnings are recognised by their lots). */
  readonly handledSources: readonly string[];
  /** Set once the customer was merged into another: this account is then history. */
  readonly mergedInto: string | null;
  /** The event that moved this account's points to the survivor, so the survivor's credit can be (re)derived. */
  readonly transferOut: { readonly eventId: string; readonly survivorId: string; readonly transfer: AccountTransfer } | null;
  readonly mergedFrom: readonly string[];
  readonly writtenOff: number;
  readonly lastActivityAt: string | null;
}

export const emptyAccount = (customerId: string): LoyaltyAccount => ({
  customerId,
  balance: 0,
  lifetimeEarned: 0,
  debt: 0,
  tier: null,
  tierSince: null,
  lots: [],
  orders: [],
  redemptions: [],
  qualifying: [],
  handledSources: [],
  mergedInto: null,
  transferOut: null,
  mergedFrom: [],
  writtenOff: 0,
  lastActivityAt: null,
});

/** Pure: the account after one of its events. */
export function evolveAccount(state: LoyaltyAccount | null, event: LoyaltyEvent): LoyaltyAccount {
  const s = { ...(state ?? emptyAccount(event.subject)), lastActivityAt: toInstant(event.time) };
  switch (event.type) {
    case LOYALTY_POINTS_EARNED: {
      const d = event.data;
      const lot: PointsLot = {
        lotId: event.id,
        points: d.points,
        remaining: d.points,
        earnedAt: toInstant(d.earnedAt),
        expiresAt: d.expiresAt ? toInstant(d.expiresAt) : null,
        rule: d.rule,
        sourceEventId: d.sourceEventId,
        ...(d.orderId !== undefined ? { orderId: d.orderId } : {}),
      };
      const orders =
        d.rule === 'order' && d.orderId !== undefined
          ? [
              ...s.orders,
              {
                orderId: d.orderId,
                lotId: event.id,
                points: d.points,
                reversedPoints: 0,
                spendMinor: d.spendMinor ?? 0,
                refundedMinor: 0,
                currency: d.currency ?? '',
                earnedAt: lot.earnedAt,
              },
            ]
          : s.orders;
      const qualifying = [...s.qualifying, { at: lot.earnedAt, points: d.points, spendMinor: d.spendMinor ?? 0, ...(d.currency ? { currency: d.currency } : {}) }];
      return settle({ ...s, lots: [...s.lots, lot], orders, qualifying, lifetimeEarned: d.lifetimeEarned }, d.balance);
    }
    case LOYALTY_POINTS_REDEEMED: {
      const d = event.data;
      const lots = d.lots ?? planDebit(s.lots, d.points);
      const record: RedemptionRecord = {
        redemptionId: d.redemptionId,
        points: d.points,
        rewardId: d.rewardId ?? null,
        code: null,
        lots,
        at: toInstant(event.time),
        reversed: false,
      };
      return settle({ ...s, lots: moveLots(s.lots, lots, -1), redemptions: [...s.redemptions, record], lifetimeEarned: d.lifetimeEarned }, d.balance);
    }
    case LOYALTY_POINTS_EXPIRED: {
      const d = event.data;
      const lots = d.lots ?? planDebit(s.lots.filter((l) => l.expiresAt !== null && Date.parse(l.expiresAt) <= Date.parse(d.runAt)), d.points);
      return settle({ ...s, lots: moveLots(s.lots, lots, -1), lifetimeEarned: d.lifetimeEarned }, d.balance);
    }
    case LOYALTY_POINTS_ADJUSTED:
      return settle(applyAdjustment(s, event.id, event.data), event.data.balance);
    case LOYALTY_TIER_UPGRADED:
    case LOYALTY_TIER_DOWNGRADED:
      return { ...s, tier: event.data.to, tierSince: toInstant(event.time) };
    case LOYALTY_REWARD_ISSUED: {
      const d = event.data;
      return { ...s, redemptions: s.redemptions.map((r) => (r.redemptionId === d.redemptionId ? { ...r, code: d.code ?? null } : r)) };
    }
    case LOYALTY_REDEMPTION_REVERSED: {
      const d = event.data;
      const original = s.redemptions.find((r) => r.redemptionId === d.redemptionId);
      const lots = d.lots ?? original?.lots ?? [];
      const redemptions = s.redemptions.map((r) => (r.redemptionId === d.redemptionId ? { ...r, reversed: true } : r));
      return settle({ ...s, lots: moveLots(s.lots, lots, 1), redemptions, lifetimeEarned: d.lifetimeEarned }, d.balance);
    }
    default:
      return assertNever(event);
  }
}

export const foldAccount = (customerId: string, events: readonly LoyaltyEvent[]): LoyaltyAccount =>
  events.reduce((state, event) => evolveAccount(state, event), emptyAccount(customerId));

function applyAdjustment(s: LoyaltyAccount, eventId: string, d: PointsAdjustedData): LoyaltyAccount {
  const handledSources = d.sourceEventId ? [...s.handledSources, d.sourceEventId] : s.handledSources;
  const base = { ...s, handledSources, lifetimeEarned: d.lifetimeEarned };
  switch (d.kind) {
    case 'refund': {
      const reversed = -d.points + (d.writtenOff ?? 0);
      const order = s.orders.find((o) => o.orderId === d.orderId);
      const orders = s.orders.map((o) =>
        o.orderId === d.orderId ? { ...o, reversedPoints: o.reversedPoints + reversed, refundedMinor: o.refundedMinor + (d.refundedMinor ?? 0) } : o,
      );
      const qualifying = order
        ? [...s.qualifying, { at: order.earnedAt, points: -reversed, spendMinor: -(d.refundedMinor ?? 0), currency: order.currency }]
        : s.qualifying;
      return { ...base, lots: moveLots(s.lots, d.lots ?? [], -1), orders, qualifying, writtenOff: s.writtenOff + (d.writtenOff ?? 0) };
    }
    case 'merge-out':
      return {
        ...base,
        lots: moveLots(s.lots, d.lots ?? [], -1),
        mergedInto: d.mergedInto ?? null,
        transferOut: d.transfer && d.mergedInto ? { eventId, survivorId: d.mergedInto, transfer: d.transfer } : null,
      };
    case 'merge-in': {
      const t = d.transfer;
      if (!t) return base;
      const lots: PointsLot[] = t.lots.map((l) => ({ lotId: l.lotId, points: l.points, remaining: l.points, earnedAt: l.earnedAt, expiresAt: l.expiresAt, rule: l.rule }));
      return {
        ...base,
        lots: [...s.lots, ...lots],
        orders: [...s.orders, ...t.orders],
        qualifying: [...s.qualifying, ...t.qualifying],
        mergedFrom: d.mergedFrom ? [...s.mergedFrom, d.mergedFrom] : s.mergedFrom,
      };
    }
    case 'manual':
    case undefined: {
      if (d.points > 0) {
        const at = s.lastActivityAt ?? new Date(0).toISOString();
        const lot: PointsLot = { lotId: eventId, points: d.points, remaining: d.points, earnedAt: at, expiresAt: d.expiresAt ? toInstant(d.expiresAt) : null, rule: 'adjustment', ...(d.sourceEventId ? { sourceEventId: d.sourceEventId } : {}) };
        return { ...base, lots: [...s.lots, lot] };
      }
      return { ...base, lots: moveLots(s.lots, d.lots ?? planDebit(s.lots, -d.points), -1) };
    }
    default:
      return assertNever(d.kind);
  }
}

/** Sets the balance the event states; the debt follows from the lots, and is paid from them if it can be. */
function settle(s: LoyaltyAccount, balance: number): LoyaltyAccount {
  const debt = Math.max(0, remainingPoints(s.lots) - balance);
  const settled = settleDebt(s.lots, debt);
  return { ...s, balance, lots: settled.lots, debt: settled.debt };
}

function assertNever(value: never): never {
  throw new Error(`unexpected loyalty event: ${JSON.stringify(value)}`);
}
