import { Injectable } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Connection, mongo } from 'mongoose';

interface StoredSize {
  /** `<segmentId>|<ISO time>`: unique per segment and moment, and sorts by time within a segment. */
  readonly _id: string;
  readonly segmentId: string;
  readonly at: Date;
  readonly members: number;
}

export interface SizePoint {
  readonly at: string;
  readonly members: number;
}

/** Most points one answer carries; older points beyond it are left out. */
export const MAX_HISTORY_POINTS = 1_000;

/**
 * Segment sizes over time. A point is recorded when a size differs from the last one recorded
 * (after a sweep or a back-fill), so the history is a step function: each size holds from its
 * point to the next.
 */
@Injectable()
export class SegmentSizeHistoryRepository {
  private readonly collection: mongo.Collection<StoredSize>;
  /** The last size recorded per segment, so unchanged sizes cost no write. */
  private readonly last = new Map<string, number>();
  private loaded?: Promise<void>;

  constructor(@InjectConnection() connection: Connection) {
    this.collection = connection.collection<StoredSize>('segment_size_history');
  }

  async init(): Promise<void> {
    await this.collection.createIndex({ segmentId: 1, at: 1 });
  }

  /** Records the sizes that changed since the last record; returns how many points were written. */
  async record(sizes: ReadonlyMap<string, number>, at: Date): Promise<number> {
    await this.loadLast();
    const changed = [...sizes].filter(([segmentId, members]) => this.last.get(segmentId) !== members);
    if (changed.length === 0) return 0;
    await this.collection.bulkWrite(
      changed.map(([segmentId, members]) => {
        const point: StoredSize = { _id: `${segmentId}|${at.toISOString()}`, segmentId, at, members };
        return { replaceOne: { filter: { _id: point._id }, replacement: point, upsert: true } };
      }),
      { ordered: false },
    );
    for (const [segmentId, members] of changed) this.last.set(segmentId, members);
    return changed.length;
  }

  async points(segmentId: string, from?: Date, to?: Date): Promise<SizePoint[]> {
    const at: Record<string, Date> = {};
    if (from) at['$gte'] = from;
    if (to) at['$lte'] = to;
    const docs = (await this.collection
      .find({ segmentId, ...(from || to ? { at } : {}) })
      .sort({ at: -1 })
      .limit(MAX_HISTORY_POINTS)
      .toArray()) as StoredSize[];
    return docs.reverse().map((d) => ({ at: new Date(d.at).toISOString(), members: d.members }));
  }

  private loadLast(): Promise<void> {
    this.loaded ??= (async () => {
      const latest = await this.collection
        .aggregate<{ _id: string; members: number }>([{ $sort: { segmentId: 1, at: 1 } }, { $group: { _id: '$segmentId', members: { $last: '$members' } } }])
        .toArray();
      for (const l of latest) this.last.set(l._id, l.members);
    })().catch((error: unknown) => {
      this.loaded = undefined;
      throw error;
    });
    return this.loaded;
  }
}
