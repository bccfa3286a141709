import type { CustomerDay } from '../buckets/customer-day';
import { inPeriod, type Period } from '../period';
import { addTo } from './ratio';

export interface OrderValueResult {
  orders: number;
  /** Per currency: order totals completed in the period / orders completed in the period in that currency. */
  averageOrderValueMinorByCurrency: Record<string, number>;
  revenueMinorByCurrency: Record<string, number>;
  /** Refunds made in the period (of orders of any period). */
  refundedMinorByCurrency: Record<string, number>;
  /** revenue − refunds made in the period. */
  netRevenueMinorByCurrency: Record<string, number>;
}

export type OrderValueRow = Pick<CustomerDay, 'day' | 'orders' | 'ordersByCurrency' | 'revenueMinorByCurrency' | 'refundedMinorByCurrency'>;

/**
 * Average order value per currency: the totals of the orders completed in the period divided by
 * their number, each currency on its own (amounts are never converted). It is the value of an
 * order as completed: refunds do not lower it (they are reported beside it, and in net revenue).
 * A currency without orders in the period is absent; an empty period gives `{}`.
 */
export function orderValue(rows: readonly OrderValueRow[], period: Period): OrderValueResult {
  const ordersByCurrency: Record<string, number> = {};
  const result: OrderValueResult = { orders: 0, averageOrderValueMinorByCurrency: {}, revenueMinorByCurrency: {}, refundedMinorByCurrency: {}, netRevenueMinorByCurrency: {} };
  for (const row of rows) {
    if (!inPeriod(row.day, period)) continue;
    result.orders += row.orders;
    for (const [currency, n] of Object.entries(row.ordersByCurrency ?? {})) addTo(ordersByCurrency, currency, n);
    for (const [currency, minor] of Object.entries(row.revenueMinorByCurrency)) {
      addTo(result.revenueMinorByCurrency, currency, minor);
      addTo(result.netRevenueMinorByCurrency, currency, minor);
    }
    for (const [currency, minor] of Object.entries(row.refundedMinorByCurrency ?? {})) {
      addTo(result.refundedMinorByCurrency, currency, minor);
      addTo(result.netRevenueMinorByCurrency, currency, -minor);
    }
  }
  for (const [currency, n] of Object.entries(ordersByCurrency)) {
    if (n > 0) result.averageOrderValueMinorByCurrency[currency] = (result.revenueMinorByCurrency[currency] ?? 0) / n;
  }
  return result;
}
