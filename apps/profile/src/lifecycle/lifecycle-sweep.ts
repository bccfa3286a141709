import type { mongo } from 'mongoose';
import { changesSince, reviewProfile, upgradeStoredProfile, type CustomerProfile, type LifecycleConfig } from '@crm/profile-domain';
import { stripStored, type DerivedEventSink, type ProjectedDocument } from '@crm/projections';
import { lifecycleStageChangedEvent } from './lifecycle-stage-changed.event';

type StoredProfile = ProjectedDocument<CustomerProfile>;
type Collection = mongo.Collection<Record<string, unknown>>;

/** Rounds per run: a run ends even if the due profiles never run out. */
const MAX_ROUNDS = 100;
/** A profile another writer keeps changing is tried this often per run, then left to the next run (or to the fold). */
const MAX_ATTEMPTS = 5;

export interface LifecycleSweepResult {
  /** Profiles whose due review was done and stored. */
  readonly reviewed: number;
  /** Stage changes appended (a change appended twice, after a conflict, is stored once). */
  readonly changes: number;
  /** Writes lost to another writer (the profile was reviewed again, or left to the fold or the next run). */
  readonly conflicts: number;
}

/**
 * The time-driven stages (at risk, churned, a lapsed loyal window, a review after a merge): finds
 * the profiles whose `lifecycle.nextReviewAt` has passed (an index range, not a scan), does the
 * review at `now`, appends the changes to the event store and only then writes the profiles —
 * each conditional on the write counter it read, like the projection's own writes.
 *
 * Consistent with a rebuild: a review records each change at its deadline with an id made of the
 * change itself, so the fold of a later event, a second sweep or another replica finds the same
 * change under the same id (appending it again stores nothing). The changes come back on
 * `crm.lifecycle-stages.v1`, which the profile folds: a rebuild from the log redoes them there.
 */
export class LifecycleSweep {
  constructor(
    private readonly profiles: Collection,
    private readonly sink: DerivedEventSink,
    private readonly config: LifecycleConfig,
    private readonly batch: number,
  ) {}

  async run(now: Date): Promise<LifecycleSweepResult> {
    const at = now.toISOString();
    let reviewed = 0;
    let changes = 0;
    let conflicts = 0;
    const attempts = new Map<string, number>();
    const givenUp: string[] = [];
    for (let round = 0; round < MAX_ROUNDS; round++) {
      const due = (await this.profiles
        .find({ 'lifecycle.nextReviewAt': { $lte: at }, mergedInto: { $exists: false }, ...(givenUp.length > 0 ? { _id: { $nin: givenUp as never[] } } : {}) })
        .sort({ 'lifecycle.nextReviewAt': 1 })
        .limit(this.batch)
        .toArray()) as unknown as StoredProfile[];
      if (due.length === 0) break;

      const updates = due.map((doc) => {
        const before = upgradeStoredProfile(stripStored(doc));
        const after = reviewProfile(before, at, this.config);
        return { doc, after, events: changesSince(after.lifecycle, before.lifecycle.changes).map((c) => lifecycleStageChangedEvent(after.customerId, c)) };
      });
      const events = updates.flatMap((u) => u.events);
      if (events.length > 0) await this.sink.append(events); // before the documents: a crash in between re-derives the same ids

      const result = await this.profiles.bulkWrite(
        updates.map(({ doc, after }) => ({
          replaceOne: {
            filter: { _id: doc._id as never, '_metadata.writes': (doc._metadata.writes ?? null) as never },
            replacement: { ...after, _id: doc._id, _metadata: { ...doc._metadata, updatedAt: now, writes: (doc._metadata.writes ?? 0) + 1 } },
          },
        })),
        { ordered: false },
      );
      reviewed += result.matchedCount;
      conflicts += updates.length - result.matchedCount;
      changes += events.length;
      // a profile written meanwhile is still due: the next round reloads and reviews it again
      const stillDue = await this.stillDue(due.map((d) => d._id), at);
      for (const id of stillDue) {
        const tried = (attempts.get(id) ?? 0) + 1;
        attempts.set(id, tried);
        if (tried >= MAX_ATTEMPTS) givenUp.push(id);
      }
      if (due.length < this.batch && stillDue.length === 0) break;
    }
    return { reviewed, changes, conflicts };
  }

  private async stillDue(ids: string[], at: string): Promise<string[]> {
    const docs = await this.profiles.find({ _id: { $in: ids as never[] }, 'lifecycle.nextReviewAt': { $lte: at } }, { projection: { _id: 1 } }).toArray();
    return docs.map((d) => String(d['_id']));
  }
}
