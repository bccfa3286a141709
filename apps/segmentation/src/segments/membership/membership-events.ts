import { SEGMENT_ENTERED, SEGMENT_EXITED, segmentMembershipStreamId, type SegmentMembershipChangedData } from '@crm/contracts';
import { derivedEventId, type DerivedEvent } from '@crm/projections';
import type { MembershipChange } from '@crm/segmentation-domain';
import { SERVICE } from '../../segmentation.env';

export interface MembershipCause {
  /** What makes the change unique: the causing event's id, or the customer's change sequence for a sweep or back-fill. */
  readonly idParts: readonly (string | number)[];
  readonly correlationId?: string;
  readonly causationId?: string;
}

/**
 * `crm.segment.entered` / `crm.segment.exited` in the customer's `segment-membership-<id>` stream
 * (published to `crm.segment-membership.v1`). The id is made of the cause and the change, so
 * deriving the same change again (a refold, a retried sweep) names the same event.
 */
export function membershipEvent(change: MembershipChange, cause: MembershipCause): DerivedEvent {
  const at = new Date(change.at).toISOString();
  const data: SegmentMembershipChangedData = {
    segmentId: change.segmentId,
    segmentName: change.segmentName,
    segmentVersion: change.segmentVersion,
    reason: change.reason,
    at,
  };
  return {
    streamId: segmentMembershipStreamId(change.customerId),
    envelope: {
      id: derivedEventId('segment-membership', ...cause.idParts, change.customerId, change.segmentId, change.kind),
      type: change.kind === 'entered' ? SEGMENT_ENTERED : SEGMENT_EXITED,
      schemaVersion: 1,
      source: SERVICE,
      subject: change.customerId,
      time: at,
      data: data as unknown as Record<string, unknown>,
      ...(cause.correlationId ? { correlationId: cause.correlationId } : {}),
      ...(cause.causationId ? { causationId: cause.causationId } : {}),
    },
  };
}
