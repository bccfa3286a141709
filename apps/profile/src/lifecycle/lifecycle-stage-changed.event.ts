import { LIFECYCLE_STAGE_CHANGED, lifecycleStreamId, type LifecycleStageChangedData } from '@crm/contracts';
import { TIME_CAUSE, type LifecycleChange } from '@crm/profile-domain';
import { derivedEventId, type DerivedEvent } from '@crm/projections';

export const PROFILE_SOURCE = 'profile';

/**
 * `crm.lifecycle.stage-changed` for one recorded change, in stream `lifecycle-<customerId>`.
 * The id is made of what makes the change unique — the customer, its cause (an event id, or
 * the passage of time), the stages and the instant — and nothing about who noticed it, so the
 * live fold, a redelivery, the sweep and a rebuild all name the same change alike.
 */
export function lifecycleStageChangedEvent(customerId: string, change: LifecycleChange): DerivedEvent {
  const data = { from: change.from, to: change.to, reason: change.reason, reactivation: change.reactivation, at: change.at } satisfies LifecycleStageChangedData;
  return {
    streamId: lifecycleStreamId(customerId),
    envelope: {
      id: derivedEventId(LIFECYCLE_STAGE_CHANGED, customerId, change.cause, change.from ?? 'none', change.to, change.at),
      type: LIFECYCLE_STAGE_CHANGED,
      schemaVersion: 1,
      source: PROFILE_SOURCE,
      subject: customerId,
      time: change.at,
      data,
      ...(change.cause !== TIME_CAUSE ? { causationId: change.cause } : {}),
    },
  };
}
