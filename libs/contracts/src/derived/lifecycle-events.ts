import type { EventEnvelope } from '../envelope/event-envelope';

/**
 * Where a customer stands in the relationship. Ordered as a customer usually travels; `at-risk`
 * and `churned` come from inactivity, and a purchase after them is a reactivation.
 */
export const LIFECYCLE_STAGES = ['lead', 'prospect', 'first-time-customer', 'repeat-customer', 'loyal', 'at-risk', 'churned'] as const;
export type LifecycleStage = (typeof LIFECYCLE_STAGES)[number];

export const LIFECYCLE_STAGE_CHANGED = 'crm.lifecycle.stage-changed';

/** Published by the profile service to `crm.lifecycle-stages.v1` (stream `lifecycle-<customerId>`). */
export interface LifecycleStageChangedData {
  /** null for the customer's first stage */
  readonly from: LifecycleStage | null;
  readonly to: LifecycleStage;
  /** Why, in words a marketer reads: "2nd completed order", "no activity for 120 days", "purchase after churn (reactivation)". */
  readonly reason: string;
  readonly reactivation: boolean;
  /** When the change took effect (the causing event's time, or the inactivity deadline). */
  readonly at: string;
}

export type LifecycleStageChanged = EventEnvelope<typeof LIFECYCLE_STAGE_CHANGED, LifecycleStageChangedData>;
