import type { CustomerDay } from './customer-day';

export interface PeriodTotals {
  orders: number;
  revenueMinorByCurrency: Record<string, number>;
  newCustomers: number;
  /** Distinct customers with any event in the period (not the sum of daily actives). */
  activeCustomers: number;
}

/** Pure roll-up of customer-days into one set of figures for the whole period. */
export function summarisePeriod(rows: readonly Pick<CustomerDay, 'customerId' | 'orders' | 'revenueMinorByCurrency' | 'registrations'>[]): PeriodTotals {
  const totals: PeriodTotals = { orders: 0, revenueMinorByCurrency: {}, newCustomers: 0, activeCustomers: 0 };
  const active = new Set<string>();
  const registered = new Set<string>();
  for (const row of rows) {
    totals.orders += row.orders;
    active.add(row.customerId);
    if (row.registrations > 0) registered.add(row.customerId);
    for (const [currency, minor] of Object.entries(row.revenueMinorByCurrency)) {
      totals.revenueMinorByCurrency[currency] = (totals.revenueMinorByCurrency[currency] ?? 0) + minor;
    }
  }
  totals.activeCustomers = active.size;
  totals.newCustomers = registered.size;
  return totals;
}
