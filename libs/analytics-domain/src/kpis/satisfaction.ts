import type { CustomerDay } from '../buckets/customer-day';
import { inPeriod, type Period } from '../period';
import { ratio } from './ratio';

export interface NpsResult {
  responses: number;
  promoters: number;
  passives: number;
  detractors: number;
  /** 100 × (promoters − detractors) / responses, from −100 to 100; null without responses. */
  nps: number | null;
}

export interface CsatResult {
  responses: number;
  /** Scores of 4 or 5. */
  satisfied: number;
  /** 100 × satisfied / responses; null without responses. */
  csatPercent: number | null;
  /** Mean score (1–5); null without responses. */
  averageScore: number | null;
}

export type SatisfactionRow = Pick<CustomerDay, 'day' | 'npsPromoters' | 'npsPassives' | 'npsDetractors' | 'csatResponses' | 'csatSatisfied' | 'csatScoreSum'>;

/**
 * Net Promoter Score over the NPS answers given in the period: promoters score 9–10, passives
 * 7–8, detractors 0–6; every answer counts (a customer answering twice counts twice).
 */
export function nps(rows: readonly SatisfactionRow[], period: Period): NpsResult {
  let promoters = 0;
  let passives = 0;
  let detractors = 0;
  for (const row of rows) {
    if (!inPeriod(row.day, period)) continue;
    promoters += row.npsPromoters ?? 0;
    passives += row.npsPassives ?? 0;
    detractors += row.npsDetractors ?? 0;
  }
  const responses = promoters + passives + detractors;
  const share = ratio(promoters - detractors, responses);
  return { responses, promoters, passives, detractors, nps: share === null ? null : 100 * share };
}

/**
 * Customer satisfaction over the 1–5 scores given in the period — CSAT survey answers and the
 * satisfaction given when a ticket was resolved: the percentage of 4s and 5s, and the mean score.
 */
export function csat(rows: readonly SatisfactionRow[], period: Period): CsatResult {
  let responses = 0;
  let satisfied = 0;
  let scoreSum = 0;
  for (const row of rows) {
    if (!inPeriod(row.day, period)) continue;
    responses += row.csatResponses ?? 0;
    satisfied += row.csatSatisfied ?? 0;
    scoreSum += row.csatScoreSum ?? 0;
  }
  const share = ratio(satisfied, responses);
  return { responses, satisfied, csatPercent: share === null ? null : 100 * share, averageScore: ratio(scoreSum, responses) };
}
