import type { PointsLot } from '../account/lots';
import type { EventEarnRule, LoyaltyProgram } from '../program/loyalty-program';
import { addDays, millis } from '../time';
import { campaignMultiplier } from './order-points';

/** The value at a dotted path (`metadata.form`), as a string; undefined when absent or not a scalar. */
function valueAt(data: unknown, path: string): string | undefined {
  let current: unknown = data;
  for (const key of path.split('.')) {
    if (typeof current !== 'object' || current === null || !Object.prototype.hasOwnProperty.call(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return typeof current === 'string' || typeof current === 'number' || typeof current === 'boolean' ? String(current) : undefined;
}

/** The program's event rules a customer event satisfies (type and every `match` field). */
export function matchingRules(program: LoyaltyProgram, eventType: string, data: unknown): EventEarnRule[] {
  return program.earning.eventRules.filter((r) => r.eventType === eventType && Object.entries(r.match).every(([path, value]) => valueAt(data, path) === value));
}

export interface RuleAward {
  readonly points: number;
  readonly campaignMultiplier: number;
  readonly campaignId?: string;
  /** Set when the cap cut the award: what it would have been. */
  readonly cappedFrom?: number;
}

/**
 * Points the rule awards for an event at `at`, given the account's earlier awards of that rule
 * (its lots): the rule's points × the best campaign for the rule, cut to what the cap still
 * allows in its window (which ends at the event's time, so a redelivery decides the same).
 */
export function awardForRule(rule: EventEarnRule, program: LoyaltyProgram, lots: readonly PointsLot[], at: string): RuleAward {
  const campaign = campaignMultiplier(program, rule.id, at);
  const wanted = Math.floor(rule.points * campaign.multiplier + 1e-9);
  const withCampaign = { campaignMultiplier: campaign.multiplier, ...(campaign.campaign ? { campaignId: campaign.campaign.id } : {}) };
  const cap = rule.cap;
  if (!cap) return { points: wanted, ...withCampaign };
  const t = millis(at);
  const from = cap.windowDays === null ? Number.NEGATIVE_INFINITY : millis(addDays(at, -cap.windowDays));
  const earlier = lots.filter((l) => l.rule === rule.id && millis(l.earnedAt) > from && millis(l.earnedAt) <= t);
  if (cap.maxAwards !== null && earlier.length >= cap.maxAwards) return { points: 0, cappedFrom: wanted, ...withCampaign };
  const room = cap.maxPoints === null ? wanted : Math.max(0, cap.maxPoints - earlier.reduce((sum, l) => sum + l.points, 0));
  const points = Math.min(wanted, room);
  return { points, ...withCampaign, ...(points < wanted ? { cappedFrom: wanted } : {}) };
}
