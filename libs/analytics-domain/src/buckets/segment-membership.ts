import { SEGMENT_ENTERED, SEGMENT_EXITED, type EventEnvelope, type SegmentMembershipChangedData } from '@crm/contracts';

/**
 * The segments a customer is in now, from the segment-membership stream the segmentation service
 * derives (`segment-membership-<customerId>`, topic `crm.segment-membership.v1`).
 */
export interface SegmentMembership {
  customerId: string;
  segments: { segmentId: string; segmentName: string; since: string }[];
}

export const isSegmentMembershipEvent = (envelope: EventEnvelope): boolean => envelope.type === SEGMENT_ENTERED || envelope.type === SEGMENT_EXITED;

export function evolveSegmentMembership(state: SegmentMembership | null, envelope: EventEnvelope): SegmentMembership {
  const base: SegmentMembership = state ?? { customerId: envelope.subject, segments: [] };
  if (!isSegmentMembershipEvent(envelope)) return base;
  const data = envelope.data as unknown as SegmentMembershipChangedData;
  const others = base.segments.filter((s) => s.segmentId !== data.segmentId);
  if (envelope.type === SEGMENT_EXITED) return { ...base, segments: others };
  const current = base.segments.find((s) => s.segmentId === data.segmentId);
  return { ...base, segments: [...others, { segmentId: data.segmentId, segmentName: data.segmentName, since: current?.since ?? data.at ?? envelope.time }] };
}

/** Members per segment, largest first (ties by name). */
export function segmentSizes(memberships: readonly SegmentMembership[]): { segmentId: string; segmentName: string; members: number }[] {
  const sizes = new Map<string, { segmentId: string; segmentName: string; members: number }>();
  for (const m of memberships) {
    for (const s of m.segments) {
      const entry = sizes.get(s.segmentId) ?? { segmentId: s.segmentId, segmentName: s.segmentName, members: 0 };
      entry.members += 1;
      entry.segmentName = s.segmentName;
      sizes.set(s.segmentId, entry);
    }
  }
  return [...sizes.values()].sort((a, b) => b.members - a.members || a.segmentName.localeCompare(b.segmentName));
}
