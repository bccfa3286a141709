import { ORDER_HISTORY_LIMIT } from '../lifecycle/lifecycle-config';

/** One order as the profile remembers it: enough to apply refunds and judge the loyal window. */
export interface OrderRecord {
  readonly orderId: string;
  readonly currency: string;
  /** Set once the order completed (a refund can arrive first). */
  readonly completedAt?: string;
  readonly totalMinor?: number;
  readonly refundedMinor: number;
  /** When the profile first heard of the order: the most recent `ORDER_HISTORY_LIMIT` are kept. */
  readonly at: string;
}

/** Lifetime money in one currency (currencies are never summed together). */
export interface CurrencyRevenue {
  readonly currency: string;
  readonly orders: number;
  /** Completed order totals. */
  readonly grossMinor: number;
  readonly refundedMinor: number;
  /** gross − refunded: what revenue searches filter on. */
  readonly netMinor: number;
  /** gross / orders, rounded; 0 without orders. */
  readonly averageOrderValueMinor: number;
}

/** A completed order with money taken back up to (or beyond) its total no longer counts as a purchase. */
export const isFullyRefunded = (order: OrderRecord | undefined): boolean =>
  order !== undefined && order.completedAt !== undefined && order.totalMinor !== undefined && order.refundedMinor > 0 && order.refundedMinor >= order.totalMinor;

export const isKept = (order: OrderRecord): boolean => order.completedAt !== undefined && !isFullyRefunded(order);

/**
 * The ledger with one order changed (created when unknown), most recent last, trimmed to the
 * limit; and how the number of fully refunded orders moved (+1, 0 or −1).
 */
export function updateOrder(
  ledger: readonly OrderRecord[],
  orderId: string,
  at: string,
  change: (order: OrderRecord) => OrderRecord,
  currency: string,
): { ledger: OrderRecord[]; fullyRefundedDelta: number } {
  const existing = ledger.find((o) => o.orderId === orderId);
  const before = existing ?? { orderId, currency, refundedMinor: 0, at };
  const after = change(before);
  const rest = ledger.filter((o) => o.orderId !== orderId);
  return {
    ledger: trimLedger([...rest, after]),
    fullyRefundedDelta: (isFullyRefunded(after) ? 1 : 0) - (isFullyRefunded(existing) ? 1 : 0),
  };
}

/** Most recent last (by when first heard of, then id, so the order never depends on arrival), at most the limit. */
export function trimLedger(ledger: readonly OrderRecord[]): OrderRecord[] {
  return [...ledger].sort((a, b) => Date.parse(a.at) - Date.parse(b.at) || a.orderId.localeCompare(b.orderId)).slice(-ORDER_HISTORY_LIMIT);
}

/** Adds an amount to one currency's figures, keeping net and average consistent. */
export function addRevenue(
  revenue: readonly CurrencyRevenue[],
  currency: string,
  delta: { orders?: number; grossMinor?: number; refundedMinor?: number },
): CurrencyRevenue[] {
  const current = revenue.find((r) => r.currency === currency) ?? { currency, orders: 0, grossMinor: 0, refundedMinor: 0, netMinor: 0, averageOrderValueMinor: 0 };
  const orders = current.orders + (delta.orders ?? 0);
  const grossMinor = current.grossMinor + (delta.grossMinor ?? 0);
  const refundedMinor = current.refundedMinor + (delta.refundedMinor ?? 0);
  const next: CurrencyRevenue = {
    currency,
    orders,
    grossMinor,
    refundedMinor,
    netMinor: grossMinor - refundedMinor,
    averageOrderValueMinor: orders > 0 ? Math.round(grossMinor / orders) : 0,
  };
  return [...revenue.filter((r) => r.currency !== currency), next].sort((a, b) => a.currency.localeCompare(b.currency));
}
