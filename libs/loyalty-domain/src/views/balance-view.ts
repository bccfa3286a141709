import type { LoyaltyAccount } from '../account/loyalty-account';
import { fifoOrder } from '../account/lots';
import { pointsForOrder } from '../earning/order-points';
import type { PendingOrders } from '../pending/pending-orders';
import { tierOf, type LoyaltyProgram } from '../program/loyalty-program';
import { addDays, millis } from '../time';

export interface BalanceView {
  readonly customerId: string;
  /** Points that can be spent now (negative while a refund's debt is unpaid). */
  readonly available: number;
  /** Points that orders placed but not yet completed will earn, at the account's current tier. */
  readonly pending: number;
  readonly expiringSoon: { readonly points: number; readonly withinDays: number; readonly before: string };
  /** The next lot to expire, or null when nothing will. */
  readonly nextExpiry: { readonly points: number; readonly at: string } | null;
  readonly lifetimeEarned: number;
  readonly tier: string;
}

/** The balance as a customer sees it at `now`. */
export function balanceView(account: LoyaltyAccount, pending: PendingOrders | null, program: LoyaltyProgram, now: string): BalanceView {
  const withinDays = program.expiry?.expiringSoonDays ?? 30;
  const before = addDays(now, withinDays);
  const open = account.lots
    .filter((l) => l.remaining > 0)
    .flatMap((l) => (l.expiresAt === null ? [] : [{ ...l, expiresAt: l.expiresAt }]))
    .sort(fifoOrder);
  // Lots already past their date but not yet expired by the scheduled run still count as expiring soon.
  const expiringSoon = open.filter((l) => millis(l.expiresAt) <= millis(before)).reduce((sum, l) => sum + l.remaining, 0);
  const first = open[0];
  const nextExpiry = first ? { at: first.expiresAt, points: open.filter((l) => l.expiresAt === first.expiresAt).reduce((s, l) => s + l.remaining, 0) } : null;
  return {
    customerId: account.customerId,
    available: account.balance,
    pending: pendingPoints(account, pending, program, now),
    expiringSoon: { points: expiringSoon, withinDays, before },
    nextExpiry,
    lifetimeEarned: account.lifetimeEarned,
    tier: tierOf(program, account.tier).id,
  };
}

/** Orders placed within the program's pending window that have not earned yet. */
export function pendingPoints(account: Pick<LoyaltyAccount, 'tier' | 'orders'>, pending: PendingOrders | null, program: LoyaltyProgram, now: string): number {
  if (!pending) return 0;
  const from = millis(addDays(now, -program.pendingOrderDays));
  const tier = tierOf(program, account.tier);
  return pending.orders
    .filter((o) => millis(o.placedAt) >= from && !account.orders.some((e) => e.orderId === o.orderId))
    .reduce((sum, o) => sum + pointsForOrder(program, { totalMinor: o.totalMinor, currency: o.currency, items: o.items, at: o.placedAt }, tier).points, 0);
}

/** When the scheduled expiry next has something to do for this account (null: nothing will expire). */
export function nextExpiryAt(account: Pick<LoyaltyAccount, 'lots'>): string | null {
  let next: number | null = null;
  for (const l of account.lots) if (l.remaining > 0 && l.expiresAt !== null && (next === null || millis(l.expiresAt) < next)) next = millis(l.expiresAt);
  return next === null ? null : new Date(next).toISOString();
}
