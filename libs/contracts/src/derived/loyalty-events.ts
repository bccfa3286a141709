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
}

export interface PointsRedeemedData extends LoyaltyBalances {
  readonly points: number;
  readonly redemptionId: string;
  readonly rewardId?: string;
}

export interface PointsExpiredData extends LoyaltyBalances {
  readonly points: number;
  /** The expiry run; running it again for the same lots expires nothing more. */
  readonly runAt: string;
}

export interface PointsAdjustedData extends LoyaltyBalances {
  /** Signed: positive adds points, negative takes them away (e.g. a refund of an order). */
  readonly points: number;
  readonly reason: string;
  readonly orderId?: string;
  readonly sourceEventId?: string;
}

export interface TierChangedData {
  readonly from: string | null;
  readonly to: string;
  readonly reason: string;
}

export interface RewardIssuedData {
  readonly rewardId: string;
  readonly redemptionId: string;
  readonly code?: string;
}

export interface RedemptionReversedData extends LoyaltyBalances {
  readonly redemptionId: string;
  readonly points: number;
  readonly reason: string;
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
