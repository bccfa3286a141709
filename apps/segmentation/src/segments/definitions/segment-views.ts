import { ageAt, rfmScores, type CustomerFacts, type RfmThresholds, type SegmentRule } from '@crm/segmentation-domain';
import type { BackfillStatus, StoredSegment, StoredSegmentVersion } from './segment-definitions.repository';

export interface BackfillView {
  version: number;
  reason: string;
  status: string;
  requestedAt: string;
  startedAt?: string;
  finishedAt?: string;
  durationMs?: number;
  customersScanned?: number;
  entered?: number;
  exited?: number;
  conflicts?: number;
  error?: string;
}

export interface SegmentView {
  id: string;
  name: string;
  description?: string;
  version: number;
  rule: SegmentRule;
  /** Current number of members. */
  members: number;
  createdAt: string;
  updatedAt: string;
  backfill: BackfillView;
}

export interface SegmentVersionView {
  version: number;
  name: string;
  description?: string;
  rule: SegmentRule;
  at: string;
  deleted?: boolean;
}

const iso = (d: Date | string | undefined): string | undefined => (d === undefined ? undefined : new Date(d).toISOString());

export function backfillView(b: BackfillStatus): BackfillView {
  return {
    version: b.version,
    reason: b.reason,
    status: b.status,
    requestedAt: iso(b.requestedAt) as string,
    ...(b.startedAt ? { startedAt: iso(b.startedAt) } : {}),
    ...(b.finishedAt ? { finishedAt: iso(b.finishedAt) } : {}),
    ...(b.durationMs !== undefined ? { durationMs: b.durationMs } : {}),
    ...(b.customersScanned !== undefined ? { customersScanned: b.customersScanned } : {}),
    ...(b.entered !== undefined ? { entered: b.entered } : {}),
    ...(b.exited !== undefined ? { exited: b.exited } : {}),
    ...(b.conflicts !== undefined ? { conflicts: b.conflicts } : {}),
    ...(b.error !== undefined ? { error: b.error } : {}),
  };
}

export function segmentView(s: StoredSegment, members: number): SegmentView {
  return {
    id: s._id,
    name: s.name,
    ...(s.description !== undefined ? { description: s.description } : {}),
    version: s.version,
    rule: s.rule,
    members,
    createdAt: iso(s.createdAt) as string,
    updatedAt: iso(s.updatedAt) as string,
    backfill: backfillView(s.backfill),
  };
}

export const segmentVersionView = (v: StoredSegmentVersion): SegmentVersionView => ({
  version: v.version,
  name: v.name,
  ...(v.description !== undefined ? { description: v.description } : {}),
  rule: v.rule,
  at: iso(v.at) as string,
  ...(v.deleted ? { deleted: true } : {}),
});

/** A customer's facts as the API shows them: times in ISO 8601, the behavioural history summarised. */
export function factsView(facts: CustomerFacts, now: number, rfm: RfmThresholds | null): Record<string, unknown> {
  const { activity, registeredAt, firstOrderAt, lastOrderAt, ...rest } = facts;
  return {
    ...rest,
    ...(facts.birthDate ? { age: ageAt(facts.birthDate, now) } : {}),
    ...(registeredAt !== undefined ? { registeredAt: new Date(registeredAt).toISOString() } : {}),
    ...(firstOrderAt !== undefined ? { firstOrderAt: new Date(firstOrderAt).toISOString() } : {}),
    ...(lastOrderAt !== undefined ? { lastOrderAt: new Date(lastOrderAt).toISOString() } : {}),
    rfm: rfmScores(facts, rfm),
    activity: Object.fromEntries(
      Object.entries(activity).map(([kind, times]) => [kind, { kept: times.length, last: new Date(times[times.length - 1]).toISOString() }]),
    ),
  };
}
