import type { LifecycleStage } from '@crm/contracts';
import type { LifecycleConfig } from './lifecycle-config';

const DAY_MS = 86_400_000;

/** What the stage is judged on; taken from the profile by `lifecycleFactsOf`. */
export interface LifecycleFacts {
  /** First sign of buying intent (registration, a qualified opportunity, a placed order), and which. */
  readonly prospect?: { readonly since: string; readonly signal: string };
  /** Completed orders not fully refunded. */
  readonly keptOrders: number;
  /** Times of the kept orders the profile remembers, most recent first. */
  readonly keptOrderTimes: readonly string[];
  /** The last kept order (known even when it is older than the remembered ones). */
  readonly lastKeptOrderAt?: string;
  /** The last thing the customer did themselves (see `isCustomerActivity`). */
  readonly lastActivityAt?: string;
}

/** The stage at a moment, why, and when it would change if nothing else happened. */
export interface StageVerdict {
  readonly stage: LifecycleStage;
  readonly reason: string;
  /** Absent: only a new event can change the stage. */
  readonly changesAt?: string;
}

export const INACTIVE_STAGES: readonly LifecycleStage[] = ['at-risk', 'churned'];
export const CUSTOMER_STAGES: readonly LifecycleStage[] = ['first-time-customer', 'repeat-customer', 'loyal'];

const iso = (ms: number): string => new Date(ms).toISOString();
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * Pure: the stage a customer with these facts is in at `at`.
 *
 * Without a kept order a customer is a lead, or a prospect once they showed buying intent. With
 * kept orders: churned or at risk after the configured inactivity, else loyal with enough orders
 * in the loyal window, else repeat (2+) or first-time. The stage only changes by time at the
 * inactivity deadlines and when the loyal window stops holding enough orders; `changesAt` is the
 * earliest of those still ahead, so a sweep only needs to look at profiles that are due.
 */
export function stageAt(facts: LifecycleFacts, at: string, config: LifecycleConfig): StageVerdict {
  if (facts.keptOrders <= 0) {
    return facts.prospect
      ? { stage: 'prospect', reason: `${facts.prospect.signal}, no completed order yet` }
      : { stage: 'lead', reason: 'known, no sign of buying intent yet' };
  }
  const now = Date.parse(at);
  const lastOrder = facts.lastKeptOrderAt ?? facts.keptOrderTimes[0];
  const purchaseBase = lastOrder === undefined ? now : Date.parse(lastOrder);
  const activityBase = facts.lastActivityAt === undefined ? purchaseBase : Math.max(purchaseBase, Date.parse(facts.lastActivityAt));
  const base = config.inactivityBasis === 'purchase' ? purchaseBase : activityBase;
  const what = config.inactivityBasis === 'purchase' ? 'purchase' : 'activity';
  const atRiskAt = base + config.atRiskAfterDays * DAY_MS;
  const churnedAt = base + config.churnedAfterDays * DAY_MS;
  if (now >= churnedAt) return { stage: 'churned', reason: `no ${what} for ${config.churnedAfterDays} days` };
  if (now >= atRiskAt) return { stage: 'at-risk', reason: `no ${what} for ${config.atRiskAfterDays} days`, changesAt: iso(churnedAt) };

  const windowStart = now - config.loyalWindowDays * DAY_MS;
  const inWindow = facts.keptOrderTimes.map(Date.parse).filter((t) => t > windowStart).sort((a, b) => b - a);
  if (inWindow.length >= config.loyalMinOrders) {
    // loyal until the N-th most recent order leaves the window
    const lapsesAt = inWindow[config.loyalMinOrders - 1] + config.loyalWindowDays * DAY_MS;
    return {
      stage: 'loyal',
      reason: `${inWindow.length} orders in the last ${config.loyalWindowDays} days`,
      changesAt: iso(Math.min(lapsesAt, atRiskAt)),
    };
  }
  if (facts.keptOrders >= 2) return { stage: 'repeat-customer', reason: `${plural(facts.keptOrders, 'completed order')}`, changesAt: iso(atRiskAt) };
  return { stage: 'first-time-customer', reason: 'first completed order', changesAt: iso(atRiskAt) };
}
