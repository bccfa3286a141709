import type { EarnBreakdown } from '@crm/contracts';
import type { Campaign, LoyaltyProgram, TierDefinition } from '../program/loyalty-program';
import { millis } from '../time';

export interface OrderLine {
  readonly quantity: number;
  readonly unitPriceMinor: number;
  readonly category?: string;
}

export interface CompletedOrder {
  readonly totalMinor: number;
  readonly currency: string;
  readonly items?: readonly OrderLine[];
  /** When the order completed: decides which campaigns apply. */
  readonly at: string;
}

export interface OrderPoints {
  readonly points: number;
  readonly breakdown: EarnBreakdown;
}

// Multipliers such as 1.1 are not exact in binary: 0.29 * 100 is 28.999…; a tiny tolerance keeps
// floor() from losing a point to representation error.
const floorPoints = (x: number): number => Math.max(0, Math.floor(x + 1e-9));

/** The highest multiplier among campaigns active at `at` for `target` (`order` or an event rule id); they do not stack. */
export function campaignMultiplier(program: LoyaltyProgram, target: string, at: string): { multiplier: number; campaign?: Campaign } {
  const t = millis(at);
  let best: Campaign | undefined;
  for (const c of program.earning.campaigns) {
    if (!c.appliesTo.includes(target) || t < millis(c.from) || t >= millis(c.to)) continue;
    if (!best || c.multiplier > best.multiplier) best = c;
  }
  return best ? { multiplier: best.multiplier, campaign: best } : { multiplier: 1 };
}

/**
 * Points a completed order earns at the given tier: whole currency units × the currency's rate;
 * lines in a category with a multiplier earn at that multiple (each line's share of the total, so
 * discounts and shipping on the order are spread over its lines); then the tier's and the best
 * campaign's multipliers; then the per-order cap. Currencies the program does not list earn at
 * its `otherCurrencies` rate, or nothing.
 */
export function pointsForOrder(program: LoyaltyProgram, order: CompletedOrder, tier: TierDefinition): OrderPoints {
  const rate = program.earning.currencies.find((c) => c.currency === order.currency) ?? program.earning.otherCurrencies;
  const none = { points: 0, breakdown: { basePoints: 0, categoryPoints: 0, tierMultiplier: tier.earnMultiplier, campaignMultiplier: 1 } };
  if (!rate || order.totalMinor <= 0) return none;
  const units = order.totalMinor / rate.minorUnitsPerUnit;
  const base = units * rate.pointsPerUnit;
  const lines = order.items ?? [];
  const linesTotal = lines.reduce((sum, l) => sum + l.quantity * l.unitPriceMinor, 0);
  let weighted = base;
  if (linesTotal > 0 && program.earning.categoryMultipliers.length > 0) {
    weighted = 0;
    for (const line of lines) {
      const share = (line.quantity * line.unitPriceMinor) / linesTotal;
      const multiplier = program.earning.categoryMultipliers.find((c) => c.category === line.category)?.multiplier ?? 1;
      weighted += base * share * multiplier;
    }
  }
  const campaign = campaignMultiplier(program, 'order', order.at);
  const uncapped = floorPoints(weighted * tier.earnMultiplier * campaign.multiplier);
  const cap = program.earning.maxPointsPerOrder;
  const points = cap !== null ? Math.min(uncapped, cap) : uncapped;
  return {
    points,
    breakdown: {
      basePoints: floorPoints(base),
      categoryPoints: floorPoints(weighted),
      tierMultiplier: tier.earnMultiplier,
      campaignMultiplier: campaign.multiplier,
      ...(campaign.campaign ? { campaignId: campaign.campaign.id } : {}),
      ...(points < uncapped ? { cappedFrom: uncapped } : {}),
    },
  };
}
