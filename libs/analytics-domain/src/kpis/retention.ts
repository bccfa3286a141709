import type { CustomerDay } from '../buckets/customer-day';
import { identity, type CanonicalId } from '../merges';
import { inPeriod, previousPeriod, type Period } from '../period';
import { ratio } from './ratio';

export interface RetentionResult {
  /** Customers with a completed order in the previous period of the same length. */
  customersAtStart: number;
  /** Of those, the ones with a completed order in the period too. */
  retained: number;
  /** retained / customersAtStart; null when nobody bought in the previous period. */
  retentionRate: number | null;
  /** (customersAtStart − retained) / customersAtStart = 1 − retention; null likewise. */
  churnRate: number | null;
}

export type PurchaseRow = Pick<CustomerDay, 'day' | 'customerId' | 'orders'>;

/**
 * Customer retention and churn in a non-contractual business, where nobody cancels: a customer
 * "is a customer" in a window when they completed an order in it. The base is the customers of
 * the previous window of the same length; retention is the share of them who bought again in the
 * period, churn the share who did not. A refunded order still counts as a purchase (the customer
 * came back; refunds show in the money figures). Merged customers count once, under the survivor.
 * `rows` must cover the previous period and the period; other days are ignored.
 */
export function retention(rows: readonly PurchaseRow[], period: Period, canonical: CanonicalId = identity): RetentionResult {
  const before = previousPeriod(period);
  const atStart = new Set<string>();
  const during = new Set<string>();
  for (const row of rows) {
    if (row.orders <= 0) continue;
    if (inPeriod(row.day, before)) atStart.add(canonical(row.customerId));
    else if (inPeriod(row.day, period)) during.add(canonical(row.customerId));
  }
  let retained = 0;
  for (const id of atStart) if (during.has(id)) retained++;
  const retentionRate = ratio(retained, atStart.size);
  return {
    customersAtStart: atStart.size,
    retained,
    retentionRate,
    churnRate: retentionRate === null ? null : ratio(atStart.size - retained, atStart.size),
  };
}
