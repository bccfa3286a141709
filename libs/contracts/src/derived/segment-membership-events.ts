import type { EventEnvelope } from '../envelope/event-envelope';

export const SEGMENT_ENTERED = 'crm.segment.entered';
export const SEGMENT_EXITED = 'crm.segment.exited';

/** Published by the segmentation service to `crm.segment-membership.v1` (stream `segment-membership-<customerId>`). */
export interface SegmentMembershipChangedData {
  readonly segmentId: string;
  readonly segmentName: string;
  /** Version of the segment definition that made the decision. */
  readonly segmentVersion: number;
  /** Why: the conditions that now hold (entered) or no longer hold (exited). */
  readonly reason: string;
  /** When the decision was taken (the causing event's time, or the sweep's time). */
  readonly at: string;
}

export type SegmentEntered = EventEnvelope<typeof SEGMENT_ENTERED, SegmentMembershipChangedData>;
export type SegmentExited = EventEnvelope<typeof SEGMENT_EXITED, SegmentMembershipChangedData>;
export type SegmentMembershipEvent = SegmentEntered | SegmentExited;
