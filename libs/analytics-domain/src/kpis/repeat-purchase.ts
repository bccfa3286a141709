import { identity, type CanonicalId } from '../merges';
import { inPeriod, type Period } from '../period';
import type { PurchaseRow } from './retention';
import { ratio } from './ratio';

export interface RepeatPurchaseResult {
  /** Customers with at least one completed order in the period. */
  purchasers: number;
  /** Of those, customers with two or more. */
  repeatPurchasers: number;
  /** repeatPurchasers / purchasers; null without purchasers. */
  repeatPurchaseRate: number | null;
}

/**
 * Share of the period's buying customers who bought more than once in it (orders, not days: two
 * orders on one day are a repeat purchase). Orders of a merged customer count for its survivor,
 * so one order under each id makes a repeat purchaser. Refunds do not undo a purchase.
 */
export function repeatPurchase(rows: readonly PurchaseRow[], period: Period, canonical: CanonicalId = identity): RepeatPurchaseResult {
  const orders = new Map<string, number>();
  for (const row of rows) {
    if (row.orders <= 0 || !inPeriod(row.day, period)) continue;
    const id = canonical(row.customerId);
    orders.set(id, (orders.get(id) ?? 0) + row.orders);
  }
  let repeatPurchasers = 0;
  for (const n of orders.values()) if (n >= 2) repeatPurchasers++;
  return { purchasers: orders.size, repeatPurchasers, repeatPurchaseRate: ratio(repeatPurchasers, orders.size) };
}
