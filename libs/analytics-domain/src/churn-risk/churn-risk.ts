import { daysBetween } from '../period';

/** What the churn-risk rule looks at, besides the purchase model's P(alive). */
export interface ChurnSignals {
  /** BG/NBD probability that the customer is still active. */
  readonly probabilityAlive: number;
  /** Support tickets opened and not resolved. */
  readonly openTickets: number;
  /** Answered an NPS survey with 0–6 within the recent window. */
  readonly recentDetractor: boolean;
  /** Moved down a loyalty tier within the recent window. */
  readonly recentTierDowngrade: boolean;
}

/**
 * How much each signal adds. Risks combine as independent causes ("noisy OR"):
 *   score = 1 − P(alive) · (1 − 0.10)^min(open tickets, 3) · (1 − 0.25 if a recent detractor) · (1 − 0.20 if a recent downgrade)
 * so the score stays in [0, 1], never falls when a signal appears, and a customer the model
 * considers gone is at risk whatever the service signals say.
 */
export const CHURN_RISK_RULE = {
  perOpenTicket: 0.1,
  maxOpenTicketsCounted: 3,
  recentDetractor: 0.25,
  recentTierDowngrade: 0.2,
  /** Days a detractor answer or a tier downgrade counts as recent. */
  recentDays: 90,
  /** Levels: `high` from 0.7, `medium` from 0.4, else `low`. */
  high: 0.7,
  medium: 0.4,
} as const;

export type ChurnRiskLevel = 'low' | 'medium' | 'high';

export interface ChurnRisk {
  readonly score: number;
  readonly level: ChurnRiskLevel;
  /** Why, for a person reading the at-risk list. */
  readonly reasons: string[];
}

export function churnRisk(signals: ChurnSignals): ChurnRisk {
  const rule = CHURN_RISK_RULE;
  const pAlive = Math.min(1, Math.max(0, signals.probabilityAlive));
  const tickets = Math.min(Math.max(0, signals.openTickets), rule.maxOpenTicketsCounted);
  let stay = pAlive * (1 - rule.perOpenTicket) ** tickets;
  const reasons: string[] = [];
  if (pAlive < 0.5) reasons.push(`probably inactive (P(alive) ${(pAlive * 100).toFixed(0)} %)`);
  if (signals.openTickets > 0) reasons.push(`${signals.openTickets} open ticket${signals.openTickets === 1 ? '' : 's'}`);
  if (signals.recentDetractor) {
    stay *= 1 - rule.recentDetractor;
    reasons.push(`detractor NPS in the last ${rule.recentDays} days`);
  }
  if (signals.recentTierDowngrade) {
    stay *= 1 - rule.recentTierDowngrade;
    reasons.push(`loyalty tier downgraded in the last ${rule.recentDays} days`);
  }
  const score = 1 - stay;
  return { score, level: score >= rule.high ? 'high' : score >= rule.medium ? 'medium' : 'low', reasons };
}

/** Whether `day` lies within the rule's recent window ending at `asOf` (both ends included). */
export const isRecent = (day: string | null, asOf: string): boolean =>
  day !== null && daysBetween(day, asOf) >= 0 && daysBetween(day, asOf) < CHURN_RISK_RULE.recentDays;
