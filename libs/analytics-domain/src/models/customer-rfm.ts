import type { CustomerHistory } from '../buckets/customer-history';
import { daysBetween } from '../period';
import type { RepeatPurchaseHistory } from './bg-nbd';
import type { SpendHistory } from './gamma-gamma';

const DAYS_PER_WEEK = 7;

/**
 * A customer's purchase summary in the terms of the purchase models, as of a day, with times in
 * weeks (the unit of the literature's CDNOW examples). As `lifetimes`' summary does, a purchase is
 * a day with completed orders: several orders on one day are one transaction.
 */
export interface CustomerRfm extends RepeatPurchaseHistory {
  customerId: string;
  firstPurchaseDay: string;
  lastPurchaseDay: string;
  /** Mean value of the repeat purchase days in the model currency (integer minor units, net of refunds of those orders). */
  averageValue: number;
  /** Repeat purchase days in the model currency: the x over which `averageValue` is taken. */
  spendDays: number;
}

/**
 * frequency x = purchase days − 1; recency t_x = weeks from the first purchase day to the last;
 * age T = weeks from the first purchase day to `asOf`. The average value is taken over the repeat
 * days (the first purchase is left out, as the Gamma-Gamma model expects) that had orders in
 * `currency`, each day's value being its order totals less the refunds of those orders, at least
 * 0. Purchase days after `asOf` are ignored. Null for a customer without a purchase by then.
 */
export function customerRfm(history: Pick<CustomerHistory, 'customerId' | 'purchases'>, asOf: string, currency: string): CustomerRfm | null {
  const days = history.purchases.filter((p) => p.orders > 0 && p.day <= asOf);
  if (days.length === 0) return null;
  const first = days[0].day;
  const last = days[days.length - 1].day;
  let spendDays = 0;
  let spend = 0;
  for (const p of days.slice(1)) {
    const gross = p.revenueMinorByCurrency[currency];
    if (gross === undefined) continue;
    spendDays++;
    spend += Math.max(0, gross - (p.refundedMinorByCurrency[currency] ?? 0));
  }
  return {
    customerId: history.customerId,
    frequency: days.length - 1,
    recency: daysBetween(first, last) / DAYS_PER_WEEK,
    age: daysBetween(first, asOf) / DAYS_PER_WEEK,
    firstPurchaseDay: first,
    lastPurchaseDay: last,
    averageValue: spendDays === 0 ? 0 : spend / spendDays,
    spendDays,
  };
}

/** The Gamma-Gamma's view of a customer: x = repeat days in the currency, m̄ = their mean value. */
export const spendHistoryOf = (rfm: CustomerRfm): SpendHistory => ({ frequency: rfm.spendDays, averageValue: rfm.averageValue });
