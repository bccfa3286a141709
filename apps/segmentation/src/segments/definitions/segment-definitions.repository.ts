import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Connection, mongo } from 'mongoose';
import { STARTER_SEGMENTS, type SegmentDefinition, type SegmentInput, type SegmentRule } from '@crm/segmentation-domain';

export type BackfillReason = 'created' | 'rule changed' | 'deleted' | 'starter';
export type BackfillState = 'pending' | 'running' | 'done' | 'failed';

/** The back-fill of a definition version over every existing customer, as the API shows it. */
export interface BackfillStatus {
  readonly version: number;
  readonly reason: BackfillReason;
  readonly status: BackfillState;
  readonly requestedAt: Date;
  readonly startedAt?: Date;
  readonly finishedAt?: Date;
  readonly durationMs?: number;
  readonly customersScanned?: number;
  readonly entered?: number;
  readonly exited?: number;
  /** Customers changed by an event meanwhile and judged by the projection instead. */
  readonly conflicts?: number;
  readonly error?: string;
}

export interface StoredSegment {
  readonly _id: string;
  readonly name: string;
  readonly description?: string;
  readonly version: number;
  readonly rule: SegmentRule;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  /** Deleted segments stay as tombstones: their id keeps counting versions, and starters are not re-created. */
  readonly deletedAt?: Date;
  readonly backfill: BackfillStatus;
}

export interface StoredSegmentVersion {
  readonly _id: string;
  readonly segmentId: string;
  readonly version: number;
  readonly name: string;
  readonly description?: string;
  readonly rule: SegmentRule;
  readonly at: Date;
  readonly deleted?: boolean;
}

export const toDefinition = (s: StoredSegment): SegmentDefinition => ({
  id: s._id,
  name: s.name,
  ...(s.description !== undefined ? { description: s.description } : {}),
  version: s.version,
  rule: s.rule,
});

export type CreateOutcome = { ok: true; segment: StoredSegment } | { ok: false; reason: 'exists' };
export type ReplaceOutcome =
  | { ok: true; segment: StoredSegment; ruleChanged: boolean; changed: boolean }
  | { ok: false; reason: 'not-found' | 'version-mismatch'; version?: number };
export type DeleteOutcome = { ok: true; segment: StoredSegment } | { ok: false; reason: 'not-found' | 'version-mismatch'; version?: number };

const DUPLICATE_KEY = 11000;
/** A definition written by another request meanwhile makes a write retry this often. */
const MAX_ATTEMPTS = 5;

/**
 * Segment definitions, versioned: `segment_definitions` holds the current version of each segment
 * (and tombstones), `segment_definition_versions` every version ever written. Writes are
 * conditional on the version read, so two concurrent edits never both win.
 */
@Injectable()
export class SegmentDefinitionsRepository {
  private readonly segments: mongo.Collection<StoredSegment>;
  private readonly versions: mongo.Collection<StoredSegmentVersion>;

  constructor(@InjectConnection() connection: Connection) {
    this.segments = connection.collection<StoredSegment>('segment_definitions');
    this.versions = connection.collection<StoredSegmentVersion>('segment_definition_versions');
  }

  async init(): Promise<void> {
    await this.versions.createIndex({ segmentId: 1, version: 1 });
  }

  /** A new installation starts with the starter segments; a database that ever had a segment does not. */
  async seedStarters(now: Date): Promise<StoredSegment[]> {
    if ((await this.segments.countDocuments({}, { limit: 1 })) > 0) return [];
    const seeded: StoredSegment[] = [];
    for (const input of STARTER_SEGMENTS) {
      const outcome = await this.create(input, now, 'starter');
      if (outcome.ok) seeded.push(outcome.segment);
    }
    return seeded;
  }

  async list(options: { includeDeleted?: boolean } = {}): Promise<StoredSegment[]> {
    const all = await this.segments.find({}).toArray();
    return (all as StoredSegment[]).filter((s) => options.includeDeleted || s.deletedAt === undefined).sort((a, b) => (a._id < b._id ? -1 : 1));
  }

  async get(id: string): Promise<StoredSegment | null> {
    const found = (await this.segments.findOne({ _id: id })) as StoredSegment | null;
    return found && found.deletedAt === undefined ? found : null;
  }

  async history(id: string): Promise<StoredSegmentVersion[]> {
    const list = (await this.versions.find({ segmentId: id }).toArray()) as StoredSegmentVersion[];
    return list.sort((a, b) => a.version - b.version);
  }

  async create(input: SegmentInput, now: Date, reason: BackfillReason = 'created'): Promise<CreateOutcome> {
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const existing = (await this.segments.findOne({ _id: input.id })) as StoredSegment | null;
      if (existing && existing.deletedAt === undefined) return { ok: false, reason: 'exists' };
      // Re-creating a deleted id continues its version count: events keep naming distinct versions.
      const version = (existing?.version ?? 0) + 1;
      const segment: StoredSegment = {
        _id: input.id,
        name: input.name,
        ...(input.description !== undefined ? { description: input.description } : {}),
        version,
        rule: input.rule,
        createdAt: now,
        updatedAt: now,
        backfill: { version, reason, status: 'pending', requestedAt: now },
      };
      if (await this.write(segment, existing?.version)) {
        await this.recordVersion(segment, now);
        return { ok: true, segment };
      }
    }
    return { ok: false, reason: 'exists' };
  }

  async replace(input: SegmentInput, expectedVersion: number | undefined, now: Date): Promise<ReplaceOutcome> {
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const current = await this.get(input.id);
      if (!current) return { ok: false, reason: 'not-found' };
      if (expectedVersion !== undefined && expectedVersion !== current.version) return { ok: false, reason: 'version-mismatch', version: current.version };
      const ruleChanged = JSON.stringify(current.rule) !== JSON.stringify(input.rule);
      const changed = ruleChanged || current.name !== input.name || current.description !== input.description;
      if (!changed) return { ok: true, segment: current, ruleChanged: false, changed: false };
      const version = current.version + 1;
      const segment: StoredSegment = {
        _id: current._id,
        name: input.name,
        ...(input.description !== undefined ? { description: input.description } : {}),
        version,
        rule: input.rule,
        createdAt: current.createdAt,
        updatedAt: now,
        // A rename keeps the memberships; it still names the new version in later events.
        backfill: ruleChanged ? { version, reason: 'rule changed', status: 'pending', requestedAt: now } : { ...current.backfill },
      };
      if (await this.write(segment, current.version)) {
        await this.recordVersion(segment, now);
        return { ok: true, segment, ruleChanged, changed: true };
      }
    }
    return { ok: false, reason: 'version-mismatch' };
  }

  async delete(id: string, expectedVersion: number | undefined, now: Date): Promise<DeleteOutcome> {
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const current = await this.get(id);
      if (!current) return { ok: false, reason: 'not-found' };
      if (expectedVersion !== undefined && expectedVersion !== current.version) return { ok: false, reason: 'version-mismatch', version: current.version };
      const segment: StoredSegment = {
        ...current,
        updatedAt: now,
        deletedAt: now,
        backfill: { version: current.version, reason: 'deleted', status: 'pending', requestedAt: now },
      };
      if (await this.write(segment, current.version)) {
        await this.versions.updateOne({ _id: `${id}@${current.version}` }, { $set: { deleted: true } });
        return { ok: true, segment };
      }
    }
    return { ok: false, reason: 'version-mismatch' };
  }

  /** Records back-fill progress, only while the definition is still at that version. */
  async setBackfill(id: string, backfill: BackfillStatus): Promise<void> {
    await this.segments.updateOne({ _id: id, version: backfill.version }, { $set: { backfill } });
  }

  private async write(segment: StoredSegment, expectedVersion: number | undefined): Promise<boolean> {
    try {
      if (expectedVersion === undefined) {
        await this.segments.insertOne(segment);
        return true;
      }
      const result = await this.segments.replaceOne({ _id: segment._id, version: expectedVersion }, segment);
      return result.matchedCount === 1;
    } catch (error) {
      if ((error as { code?: number }).code === DUPLICATE_KEY) return false;
      throw error;
    }
  }

  private async recordVersion(segment: StoredSegment, now: Date): Promise<void> {
    const version: StoredSegmentVersion = {
      _id: `${segment._id}@${segment.version}`,
      segmentId: segment._id,
      version: segment.version,
      name: segment.name,
      ...(segment.description !== undefined ? { description: segment.description } : {}),
      rule: segment.rule,
      at: now,
    };
    await this.versions.replaceOne({ _id: version._id }, version, { upsert: true });
  }
}
