import type { LifecycleFacts } from '../lifecycle/lifecycle-stage';
import type { CustomerProfile } from './customer-profile';
import { isKept } from './order-ledger';

const newestFirst = (a: string, b: string): number => Date.parse(b) - Date.parse(a);

/** What the lifecycle judges, read off a profile. */
export function lifecycleFactsOf(profile: CustomerProfile): LifecycleFacts {
  const keptOrderTimes = profile.orderHistory
    .filter(isKept)
    .map((o) => o.completedAt as string)
    .sort(newestFirst);
  const keptOrders = Math.max(0, profile.orders - profile.fullyRefundedOrders);
  // with more orders than remembered, the last completed order stands in for the last kept one
  const lastKeptOrderAt = keptOrderTimes[0] ?? (keptOrders > 0 ? profile.lastOrderAt : undefined);
  return {
    ...(profile.prospect ? { prospect: profile.prospect } : {}),
    keptOrders,
    keptOrderTimes,
    ...(lastKeptOrderAt ? { lastKeptOrderAt } : {}),
    ...(profile.lastActivityAt ? { lastActivityAt: profile.lastActivityAt } : {}),
  };
}
