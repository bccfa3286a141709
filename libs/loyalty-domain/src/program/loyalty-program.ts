/**
 * A loyalty program is data: how points are earned, when they expire, the tiers and how they are
 * kept, what a refund takes back, and the rewards catalogue. `validateProgram` checks one field by
 * field; `DEFAULT_PROGRAM` is what a service runs without configuration.
 */
export interface LoyaltyProgram {
  readonly id: string;
  readonly name: string;
  readonly earning: EarningRules;
  /** null: points never expire. */
  readonly expiry: ExpiryRules | null;
  /** Lowest first; the first tier's threshold is 0 and every account starts there. */
  readonly tiers: readonly TierDefinition[];
  readonly tierQualification: TierQualification;
  readonly refunds: RefundRules;
  readonly redemption: RedemptionRules;
  readonly rewards: readonly Reward[];
  /** Points of orders placed but not yet completed show as pending for this many days. */
  readonly pendingOrderDays: number;
}

export interface EarningRules {
  /** Rates per currency; currencies are never converted into each other. */
  readonly currencies: readonly CurrencyRate[];
  /** The rate for currencies not listed; null: orders in them earn nothing. */
  readonly otherCurrencies: Omit<CurrencyRate, 'currency'> | null;
  /** Lines of a category earn at this multiple; lines of other categories at 1. */
  readonly categoryMultipliers: readonly CategoryMultiplier[];
  /** Most points one order can earn (after every multiplier); null: no cap. */
  readonly maxPointsPerOrder: number | null;
  /** Points for customer events other than orders (a review, a referral, signing up). */
  readonly eventRules: readonly EventEarnRule[];
  /** Time-boxed multipliers; when several apply, the highest counts (they do not stack). */
  readonly campaigns: readonly Campaign[];
}

export interface CurrencyRate {
  /** ISO 4217. */
  readonly currency: string;
  /** Points per whole currency unit. */
  readonly pointsPerUnit: number;
  /** Minor units in one whole unit (100 for EUR, 1 for JPY). */
  readonly minorUnitsPerUnit: number;
}

export interface CategoryMultiplier {
  readonly category: string;
  readonly multiplier: number;
}

export interface EventEarnRule {
  /** Names the rule in the ledger (`review`, `referral`, `sign-up`). */
  readonly id: string;
  /** The customer event type that earns, e.g. `crm.survey.answered`. */
  readonly eventType: string;
  /** Every listed data field (dotted path) must equal the value, e.g. `{ "kind": "free_text" }`. */
  readonly match: Readonly<Record<string, string>>;
  readonly points: number;
  readonly cap: EarnCap | null;
}

/** Limits on one rule's awards over a rolling window (or the account's whole life). */
export interface EarnCap {
  readonly maxAwards: number | null;
  readonly maxPoints: number | null;
  /** null: over the account's whole life. */
  readonly windowDays: number | null;
}

export interface Campaign {
  readonly id: string;
  readonly multiplier: number;
  /** Active from (inclusive) … to (exclusive), judged at the earning event's time. */
  readonly from: string;
  readonly to: string;
  /** `order` and/or event rule ids. */
  readonly appliesTo: readonly string[];
}

export interface ExpiryRules {
  /** Each earning's points expire this many calendar months after it, first in first out. */
  readonly monthsAfterEarning: number;
  /** "Expiring soon" in the balance means within this many days. */
  readonly expiringSoonDays: number;
}

export interface TierDefinition {
  readonly id: string;
  readonly name: string;
  /** Qualifying points or spend (minor units), per `tierQualification.basis`. */
  readonly threshold: number;
  /** Orders earn at this multiple while the account holds the tier. */
  readonly earnMultiplier: number;
}

export interface TierQualification {
  /** `points`: points earned in the window; `spend`: order spend in `spendCurrency` in the window. */
  readonly basis: 'points' | 'spend';
  readonly spendCurrency: string | null;
  /** Rolling window in months; null: lifetime. */
  readonly windowMonths: number | null;
  /**
   * Upgrades happen as soon as an account qualifies. Downgrades happen on the scheduled
   * re-evaluation, no earlier than `graceMonths` after the tier was reached, either straight to the
   * tier the account qualifies for or one step at a time.
   */
  readonly downgrade: { readonly graceMonths: number; readonly mode: 'to-qualified' | 'one-step' };
}

export interface RefundRules {
  /**
   * A refund takes back the order's points in proportion to the money refunded: first from what
   * is left of that order's points, then from other points (soonest-expiring first), then by
   * letting the balance go negative down to this floor (0: never negative). What is still owed
   * below the floor is written off and recorded in the event.
   */
  readonly balanceFloor: number;
}

export interface RedemptionRules {
  /** Smallest number of points one points redemption may spend. */
  readonly minimumPoints: number;
}

export interface Reward {
  readonly id: string;
  readonly name: string;
  readonly description: string;
  readonly cost: number;
  /** Units available over the reward's life; null: unlimited. */
  readonly stock: number | null;
  /** Only accounts at this tier or above may redeem it. */
  readonly minTier: string | null;
  readonly active: boolean;
}

export const DEFAULT_PROGRAM: LoyaltyProgram = {
  id: 'default',
  name: 'CRM rewards',
  earning: {
    currencies: [
      { currency: 'EUR', pointsPerUnit: 1, minorUnitsPerUnit: 100 },
      { currency: 'USD', pointsPerUnit: 1, minorUnitsPerUnit: 100 },
      { currency: 'GBP', pointsPerUnit: 1, minorUnitsPerUnit: 100 },
    ],
    otherCurrencies: { pointsPerUnit: 1, minorUnitsPerUnit: 100 },
    categoryMultipliers: [],
    maxPointsPerOrder: 50_000,
    eventRules: [
      { id: 'sign-up', eventType: 'crm.customer.registered', match: {}, points: 100, cap: { maxAwards: 1, maxPoints: null, windowDays: null } },
      { id: 'review', eventType: 'crm.survey.answered', match: { kind: 'free_text' }, points: 50, cap: { maxAwards: 5, maxPoints: null, windowDays: 30 } },
      {
        id: 'referral',
        eventType: 'crm.touchpoint.recorded',
        match: { action: 'form_submitted', 'metadata.form': 'referral' },
        points: 200,
        cap: { maxAwards: 10, maxPoints: null, windowDays: 365 },
      },
    ],
    campaigns: [],
  },
  expiry: { monthsAfterEarning: 12, expiringSoonDays: 30 },
  tiers: [
    { id: 'bronze', name: 'Bronze', threshold: 0, earnMultiplier: 1 },
    { id: 'silver', name: 'Silver', threshold: 1_000, earnMultiplier: 1.25 },
    { id: 'gold', name: 'Gold', threshold: 5_000, earnMultiplier: 1.5 },
  ],
  tierQualification: { basis: 'points', spendCurrency: null, windowMonths: 12, downgrade: { graceMonths: 12, mode: 'one-step' } },
  refunds: { balanceFloor: 0 },
  redemption: { minimumPoints: 100 },
  rewards: [
    { id: 'voucher-5', name: '5 € voucher', description: 'A 5 € voucher for the next order', cost: 500, stock: null, minTier: null, active: true },
    { id: 'free-shipping', name: 'Free shipping', description: 'Free shipping on one order', cost: 300, stock: null, minTier: null, active: true },
    { id: 'tote-bag', name: 'Tote bag', description: 'A limited-edition tote bag', cost: 1_500, stock: 500, minTier: 'silver', active: true },
  ],
  pendingOrderDays: 30,
};

/** Position of a tier in the program (0 = lowest); -1 when the program does not know it. */
export const tierIndex = (program: LoyaltyProgram, tierId: string | null): number =>
  tierId === null ? 0 : program.tiers.findIndex((t) => t.id === tierId);

/** The account's tier as the program knows it: an unknown or missing tier counts as the lowest. */
export function tierOf(program: LoyaltyProgram, tierId: string | null): TierDefinition {
  const index = tierIndex(program, tierId);
  return program.tiers[index < 0 ? 0 : index];
}

export const findReward = (program: LoyaltyProgram, rewardId: string): Reward | undefined => program.rewards.find((r) => r.id === rewardId);
