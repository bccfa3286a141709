import { combineHistories, firstPurchaseDay, type CustomerHistory } from '../buckets/customer-history';
import { identity, type CanonicalId } from '../merges';
import { addTo } from './ratio';

export interface HistoricalClvResult {
  /** Customers with a completed order on or before the day. */
  customers: number;
  /** Net revenue to date of those customers, per currency. */
  netRevenueMinorByCurrency: Record<string, number>;
  /** netRevenue / customers, per currency; `{}` without customers. */
  historicalClvMinorByCurrency: Record<string, number>;
}

export type HistoryRow = Pick<CustomerHistory, 'purchases' | 'refunds'>;

/**
 * One history per customer as counted now: a survivor's with those of the customers merged into it.
 */
export function historiesByCanonical(histories: readonly CustomerHistory[], canonical: CanonicalId = identity): CustomerHistory[] {
  const groups = new Map<string, CustomerHistory[]>();
  for (const h of histories) {
    const id = canonical(h.customerId);
    groups.set(id, [...(groups.get(id) ?? []), h]);
  }
  return [...groups].map(([id, group]) => (group.length === 1 && group[0].customerId === id && group[0].mergedInto === null ? group[0] : combineHistories(id, group)));
}

/**
 * Historical (realised) customer lifetime value as of a day: what the customers who had bought by
 * then have spent, net of refunds made by then, divided by their number — per currency, each on
 * its own; a customer counts in every currency's denominator. Histories must already be one per
 * customer as counted now (see `historiesByCanonical`). Only the period's last day matters: it is
 * a to-date figure, and a series shows it at the end of each bucket.
 */
export function historicalClv(histories: readonly HistoryRow[], asOf: string): HistoricalClvResult {
  let customers = 0;
  const net: Record<string, number> = {};
  for (const h of histories) {
    const first = firstPurchaseDay(h);
    if (first === null || first > asOf) continue;
    customers++;
    for (const p of h.purchases) if (p.day <= asOf) for (const [currency, minor] of Object.entries(p.revenueMinorByCurrency)) addTo(net, currency, minor);
    for (const r of h.refunds) if (r.day <= asOf) for (const [currency, minor] of Object.entries(r.refundedMinorByCurrency)) addTo(net, currency, -minor);
  }
  const perCustomer: Record<string, number> = {};
  if (customers > 0) for (const [currency, minor] of Object.entries(net)) perCustomer[currency] = minor / customers;
  return { customers, netRevenueMinorByCurrency: net, historicalClvMinorByCurrency: perCustomer };
}
