import type { LoyaltyDay } from '../buckets/loyalty-day';
import { identity, type CanonicalId } from '../merges';
import { inPeriod, type Period } from '../period';
import { ratio } from './ratio';

export interface LoyaltyEngagementResult {
  /** Members who earned or redeemed points in the period (their own doing; expiry and adjustments are not). */
  activeMembers: number;
  pointsEarned: number;
  /** Redeemed less redemptions reversed in the period. */
  pointsRedeemed: number;
  pointsExpired: number;
  /** pointsRedeemed / pointsEarned; null when nothing was earned. */
  redemptionRatio: number | null;
  tierUpgrades: number;
  tierDowngrades: number;
}

export type LoyaltyRow = Pick<LoyaltyDay, 'day' | 'customerId' | 'pointsEarned' | 'pointsRedeemed' | 'pointsExpired' | 'memberActions' | 'tierUpgrades' | 'tierDowngrades'>;

/** Loyalty programme engagement over a period; merged members count once, under the survivor. */
export function loyaltyEngagement(rows: readonly LoyaltyRow[], period: Period, canonical: CanonicalId = identity): LoyaltyEngagementResult {
  const active = new Set<string>();
  const result: LoyaltyEngagementResult = { activeMembers: 0, pointsEarned: 0, pointsRedeemed: 0, pointsExpired: 0, redemptionRatio: null, tierUpgrades: 0, tierDowngrades: 0 };
  for (const row of rows) {
    if (!inPeriod(row.day, period)) continue;
    if (row.memberActions > 0) active.add(canonical(row.customerId));
    result.pointsEarned += row.pointsEarned;
    result.pointsRedeemed += row.pointsRedeemed;
    result.pointsExpired += row.pointsExpired;
    result.tierUpgrades += row.tierUpgrades;
    result.tierDowngrades += row.tierDowngrades;
  }
  return { ...result, activeMembers: active.size, redemptionRatio: ratio(result.pointsRedeemed, result.pointsEarned) };
}
