import type { CustomerDay } from '../buckets/customer-day';
import { identity, type CanonicalId } from '../merges';
import { inPeriod, type Period } from '../period';
import { addTo } from './ratio';

export interface PeriodTotals {
  orders: number;
  revenueMinorByCurrency: Record<string, number>;
  /** Distinct customers who registered in the period. */
  newCustomers: number;
  /** Distinct customers with any event in the period (not the sum of daily actives). */
  activeCustomers: number;
}

export type PeriodTotalsRow = Pick<CustomerDay, 'day' | 'customerId' | 'orders' | 'revenueMinorByCurrency' | 'registrations'>;

/**
 * Orders, order revenue, new and active customers over a period. Customers are counted under the
 * id they count as now (a merged customer under its survivor), so two ids of one person count once.
 */
export function summarisePeriod(rows: readonly PeriodTotalsRow[], period: Period, canonical: CanonicalId = identity): PeriodTotals {
  const totals: PeriodTotals = { orders: 0, revenueMinorByCurrency: {}, newCustomers: 0, activeCustomers: 0 };
  const active = new Set<string>();
  const registered = new Set<string>();
  for (const row of rows) {
    if (!inPeriod(row.day, period)) continue;
    const id = canonical(row.customerId);
    totals.orders += row.orders;
    active.add(id);
    if (row.registrations > 0) registered.add(id);
    for (const [currency, minor] of Object.entries(row.revenueMinorByCurrency)) addTo(totals.revenueMinorByCurrency, currency, minor);
  }
  totals.activeCustomers = active.size;
  totals.newCustomers = registered.size;
  return totals;
}
