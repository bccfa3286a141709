import { firstPurchaseDay, type CustomerHistory } from '../buckets/customer-history';
import { monthOf, monthsBetween, monthsOf, type Period } from '../period';

export interface CohortRow {
  /** Acquisition month `YYYY-MM`: the month of the customer's first completed order. */
  cohort: string;
  size: number;
  /** Month 0 is the acquisition month; the last is the month of the period's end. */
  months: { offset: number; active: number; retention: number | null }[];
}

export interface CohortMatrix {
  cohorts: CohortRow[];
  /** Longest row: months from the first cohort to the period's end, plus one. */
  maxOffset: number;
}

/**
 * Monthly acquisition cohorts and their retention: customers are grouped by the month of their
 * first completed order (cohorts whose month lies in the period), and cell (cohort, k) is the
 * share of the cohort with a completed order in the k-th month after it (orders after the period's
 * end are not looked at). Month 0 is 100 % by definition. Histories must be one per customer as
 * counted now (`historiesByCanonical`), so a merged customer belongs to one cohort: the earlier.
 * An empty cohort has size 0 and null retention.
 */
export function cohortRetention(histories: readonly Pick<CustomerHistory, 'purchases'>[], period: Period): CohortMatrix {
  const cohortMonths = monthsOf(period);
  const lastMonth = monthOf(period.to);
  const sizes = new Map<string, number>(cohortMonths.map((m) => [m, 0]));
  const active = new Map<string, number[]>(cohortMonths.map((m) => [m, new Array(monthsBetween(m, lastMonth) + 1).fill(0)]));
  for (const h of histories) {
    const first = firstPurchaseDay(h);
    if (first === null) continue;
    const cohort = monthOf(first);
    const row = active.get(cohort);
    if (row === undefined) continue;
    sizes.set(cohort, (sizes.get(cohort) ?? 0) + 1);
    const seen = new Set<number>();
    for (const p of h.purchases) {
      if (p.orders <= 0 || p.day > period.to) continue;
      const offset = monthsBetween(cohort, monthOf(p.day));
      if (!seen.has(offset)) {
        seen.add(offset);
        row[offset] += 1;
      }
    }
  }
  const cohorts = cohortMonths.map((cohort) => {
    const size = sizes.get(cohort) ?? 0;
    return {
      cohort,
      size,
      months: (active.get(cohort) ?? []).map((n, offset) => ({ offset, active: n, retention: size === 0 ? null : n / size })),
    };
  });
  return { cohorts, maxOffset: cohorts.length === 0 ? 0 : cohorts[0].months.length - 1 };
}
