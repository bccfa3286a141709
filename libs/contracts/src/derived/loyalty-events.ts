import type { EventEnvelope } from '../envelope/event-envelope';

/**
 * The loyalty account's own events, stored in stream `loyalty-<customerId>` and published to
 * `crm.loyalty-events.v1`. Every event that moves points carries the balances after it, so a
 * consumer (the profile's 360 view, analytics) needs no ledger of its own to show them.
 */
export const LOYALTY_POINTS_EARNED = 'crm.loyalty.points-earned';
export const LOYALTY_POINTS_REDEEMED = 'crm.loyalty.points-redeemed';
export const LOYALTY_POINTS_EXPIRED = 'crm.loyalty.points-expired';
export const LOYALTY_POINTS_ADJUSTED = 'crm.loyalty.points-adjusted';
export const LOYALTY_TIER_UPGRADED = 'crm.loyalty.tier-upgraded';
export const LOYALTY_TIER_DOWNGRADED = 'crm.loyalty.tier-downgraded';
export const LOYALTY_REWARD_ISSUED = 'crm.loyalty.reward-issued';
export const LOYALTY_REDEMPTION_REVERSED = 'crm.loyalty.redemption-reversed';

export const LOYALTY_EVENT_TYPES = [
  LOYALTY_POINTS_EARNED,
  LOYALTY_POINTS_REDEEMED,
  LOYALTY_POINTS_EXPIRED,
  LOYALTY_POINTS_ADJUSTED,
  LOYALTY_TIER_UPGRADED,
  LOYALTY_TIER_DOWNGRADED,
  LOYALTY_REWARD_ISSUED,
  LOYALTY_REDEMPTION_REVERSED,
] as const;
export type LoyaltyEventType = (typeof LOYALTY_EVENT_TYPES)[number];

/** Points taken from (or returned to) one lot: the points of one earning, which expire together. */
export interface LotMovement {
  /** The lot's id: the id of the event that created it (an earning or a positive adjustment). */
  readonly lotId: string;
  readonly points: number;
}

/** One earning's share of the qualification for tiers. */
export interface QualifyingActivity {
  readonly at: string;
  readonly points: number;
  readonly spendMinor: number;
  readonly currency?: string;
}

/** A lot as it moves from a merged customer's account to the survivor's (expiry kept). */
export interface TransferredLot {
  readonly lotId: string;
  readonly points: number;
  readonly earnedAt: string;
  readonly expiresAt: string | null;
  readonly rule: string;
}

/** A completed order's earning, kept so that a later refund can reverse it. */
export interface OrderEarning {
  readonly orderId: string;
  readonly lotId: string;
  readonly points: number;
  readonly reversedPoints: number;
  readonly spendMinor: number;
  readonly refundedMinor: number;
  readonly currency: string;
  readonly earnedAt: string;
}

/** What a merged customer's account hands to the survivor's: everything that still counts. */
export interface AccountTransfer {
  readonly lots: readonly TransferredLot[];
  /** Points owed (a refund took more than was left); the survivor owes them from now on. */
  readonly debt: number;
  readonly lifetimeEarned: number;
  readonly orders: readonly OrderEarning[];
  readonly qualifying: readonly QualifyingActivity[];
}

/** How an order's points came about, for the customer's ledger. */
export interface EarnBreakdown {
  /** Points before any multiplier. */
  readonly basePoints: number;
  /** Points after category multipliers, before tier and campaign ones. */
  readonly categoryPoints: number;
  readonly tierMultiplier: number;
  readonly campaignMultiplier: number;
  readonly campaignId?: string;
  /** Set when a cap cut the points: what they would have been. */
  readonly cappedFrom?: number;
}

/** Balances after the event. */
export interface LoyaltyBalances {
  /** Points the customer can spend now. */
  readonly balance: number;
  /** Points earned over the account's life (never reduced by redemption or expiry). */
  readonly lifetimeEarned: number;
}

export interface PointsEarnedData extends LoyaltyBalances {
  readonly points: number;
  /** What earned them: `order`, or the customer event type for per-event rules (`review`, `referral`, …). */
  readonly rule: string;
  /** The customer event that earned the points (the idempotency key of earning). */
  readonly sourceEventId: string;
  readonly orderId?: string;
  /** Spend (integer minor units) the points were earned on, for tier rules by spend. */
  readonly spendMinor?: number;
  readonly currency?: string;
  readonly earnedAt: string;
  /** When these points expire (first in, first out). */
  readonly expiresAt?: string;
  readonly breakdown?: EarnBreakdown;
}

export interface PointsRedeemedData extends LoyaltyBalances {
  readonly points: number;
  readonly redemptionId: string;
  readonly rewardId?: string;
  /** The lots the points came from, soonest-expiring first. */
  readonly lots?: readonly LotMovement[];
}

export interface PointsExpiredData extends LoyaltyBalances {
  readonly points: number;
  /** The expiry run; running it again for the same lots expires nothing more. */
  readonly runAt: string;
  readonly lots?: readonly LotMovement[];
}

export interface PointsAdjustedData extends LoyaltyBalances {
  /** Signed: positive adds points, negative takes them away (e.g. a refund of an order). */
  readonly points: number;
  readonly reason: string;
  readonly orderId?: string;
  readonly sourceEventId?: string;
  /** What caused it: a refund, an operator (`manual`), or a merge of two customers (`merge-out` on the merged account, `merge-in` on the survivor's). */
  readonly kind?: 'refund' | 'manual' | 'merge-out' | 'merge-in';
  /** The lots points were taken from (negative adjustments). */
  readonly lots?: readonly LotMovement[];
  /** Refunds: the money refunded by this event (integer minor units). */
  readonly refundedMinor?: number;
  /** Refunds: points the refund should have taken back but could not, because they were spent and the balance floor stopped it. */
  readonly writtenOff?: number;
  /** A positive manual adjustment's expiry. */
  readonly expiresAt?: string;
  /** Merges: the survivor (`merge-out`) or the merged customer (`merge-in`). */
  readonly mergedInto?: string;
  readonly mergedFrom?: string;
  /** Merges: what moved to the survivor. */
  readonly transfer?: AccountTransfer;
}

export interface TierChangedData {
  readonly from: string | null;
  readonly to: string;
  readonly reason: string;
  /** The qualifying points or spend (per the program's basis) when the tier changed. */
  readonly qualifying?: number;
}

export interface RewardIssuedData {
  readonly rewardId: string;
  readonly redemptionId: string;
  readonly code?: string;
  readonly rewardName?: string;
}

export interface RedemptionReversedData extends LoyaltyBalances {
  readonly redemptionId: string;
  readonly points: number;
  readonly reason: string;
  readonly rewardId?: string;
  /** The lots the points went back to (they keep their expiry). */
  readonly lots?: readonly LotMovement[];
}

export type LoyaltyEvent =
  | EventEnvelope<typeof LOYALTY_POINTS_EARNED, PointsEarnedData>
  | EventEnvelope<typeof LOYALTY_POINTS_REDEEMED, PointsRedeemedData>
  | EventEnvelope<typeof LOYALTY_POINTS_EXPIRED, PointsExpiredData>
  | EventEnvelope<typeof LOYALTY_POINTS_ADJUSTED, PointsAdjustedData>
  | EventEnvelope<typeof LOYALTY_TIER_UPGRADED, TierChangedData>
  | EventEnvelope<typeof LOYALTY_TIER_DOWNGRADED, TierChangedData>
  | EventEnvelope<typeof LOYALTY_REWARD_ISSUED, RewardIssuedData>
  | EventEnvelope<typeof LOYALTY_REDEMPTION_REVERSED, RedemptionReversedData>;
