import type { mongo } from 'mongoose';
import { cloneDocument, matchesEqualityFilter } from './document-copies';

type Doc = { _id: string } & Record<string, unknown>;

const DUPLICATE_KEY = 11000;
/** Ids of evicted documents remembered so that a fresh shadow still needs no reads; past this, lookups go to the database. */
const MAX_REMEMBERED_EVICTIONS = 200_000;
const WRITE_CHUNK = 1_000;

interface Entry {
  /** null: known not to exist (deleted, or never created). */
  doc: Doc | null;
  dirty: boolean;
  /** The database may hold a version of it (so a delete must reach the database). */
  mayExist: boolean;
  /** Last batch that read or wrote it. */
  touched: number;
  /** While dirty: the batch that made it dirty, and that batch's first log position. */
  dirtyBatch: number;
  dirtySince: bigint;
}

/** A document's unwritten state, taken for a write. */
export interface TakenChange {
  readonly id: string;
  readonly doc: Doc | null;
  readonly mayExist: boolean;
}

export interface TakeOptions {
  /** Leave documents touched in the last `hotBatches` batches in memory (they are likely to change again soon). */
  readonly hotBatches?: number;
  /** …unless they have been unwritten for `maxDirtyBatches` batches. */
  readonly maxDirtyBatches?: number;
}

/**
 * A shadow collection seen through a bounded in-memory layer, for rebuilds: `ProjectionRunner`
 * folds batch after batch into memory (its `find` and `bulkWrite`, with their conditions, are
 * answered here), and documents reach MongoDB when taken and written — in the background while
 * later batches fold, once they have gone cold (a customer's events cluster in time, so most
 * documents are written once or twice however many events built them). The shadow belongs to the
 * replay alone, so writes are plain upserts by id.
 *
 * What is safe to checkpoint is tracked here: every dirty document remembers the first position
 * of the batch that made it dirty, and `safePosition` stays below the oldest of them.
 *
 * A shadow that started empty needs no reads: a document not in memory does not exist, unless it
 * was evicted (those ids are remembered). Past `maxDocuments`, the least recently used clean
 * documents are evicted; reads then go to the database for them.
 */
export class WriteBehindDocuments {
  private readonly entries = new Map<string, Entry>();
  private evicted: Set<string> | null = new Set();
  /** Everything the database holds is known here (or in `evicted`): true only for a shadow that started empty. */
  private complete: boolean;
  private batch = 0;
  private batchStart = 0n;

  constructor(
    private readonly target: mongo.Collection<Doc>,
    private readonly maxDocuments: number,
    startsEmpty: boolean,
  ) {
    this.complete = startsEmpty;
  }

  /** As a driver collection, for `ProjectionRunner`'s `model.collection`. */
  asCollection(): mongo.Collection {
    return this as unknown as mongo.Collection;
  }

  /** Call before applying each batch, with the position of its first event. */
  beginBatch(firstPosition: bigint): void {
    this.batch++;
    this.batchStart = firstPosition;
  }

  get size(): number {
    return this.entries.size;
  }

  get overCapacity(): boolean {
    return this.entries.size > this.maxDocuments;
  }

  get dirtyCount(): number {
    let n = 0;
    for (const e of this.entries.values()) if (e.dirty) n++;
    return n;
  }

  /**
   * The last position whose effects are all in the database, given that everything up to
   * `folded` has been applied here: just below the oldest unwritten change.
   */
  safePosition(folded: bigint): bigint {
    let safe = folded;
    for (const e of this.entries.values()) if (e.dirty && e.dirtySince - 1n < safe) safe = e.dirtySince - 1n;
    return safe;
  }

  find(filter: { _id: { $in: string[] } }): { toArray(): Promise<Doc[]> } {
    return { toArray: () => this.load(filter._id.$in) };
  }

  private async load(ids: string[]): Promise<Doc[]> {
    const missing = ids.filter((id) => !this.entries.has(id) && this.mustRead(id));
    if (missing.length > 0) {
      const found = await this.target.find({ _id: { $in: missing } }).toArray();
      const byId = new Map(found.map((d) => [d._id, d]));
      for (const id of missing) {
        const doc = byId.get(id) ?? null;
        this.entries.set(id, { doc, dirty: false, mayExist: doc !== null, touched: this.batch, dirtyBatch: 0, dirtySince: 0n });
        this.evicted?.delete(id);
      }
    }
    const result: Doc[] = [];
    for (const id of ids) {
      const entry = this.touch(id);
      // A copy: the runner's caller must not be able to change what is held here.
      if (entry?.doc) result.push(cloneDocument(entry.doc));
    }
    return result;
  }

  /** Whether a document not in memory may exist in the database. */
  private mustRead(id: string): boolean {
    if (!this.complete) return true;
    return this.evicted?.has(id) ?? true;
  }

  /** The entry, moved to the most recently used end. */
  private touch(id: string): Entry | undefined {
    const entry = this.entries.get(id);
    if (entry) {
      this.entries.delete(id);
      this.entries.set(id, entry);
      entry.touched = this.batch;
    }
    return entry;
  }

  private markDirty(entry: Entry): void {
    if (!entry.dirty) {
      entry.dirty = true;
      entry.dirtyBatch = this.batch;
      entry.dirtySince = this.batchStart;
    }
    entry.touched = this.batch;
  }

  async bulkWrite(operations: mongo.AnyBulkWriteOperation<Doc>[]): Promise<{ matchedCount: number; deletedCount: number }> {
    let matchedCount = 0;
    let deletedCount = 0;
    const writeErrors: { code: number; index: number }[] = [];
    // Documents are stored as given: the runner builds a new one for every write and never
    // touches it again; `find` hands out copies.
    operations.forEach((op, index) => {
      if ('insertOne' in op) {
        const doc = op.insertOne.document as Doc;
        const existing = this.entries.get(doc._id);
        if (existing?.doc) {
          writeErrors.push({ code: DUPLICATE_KEY, index });
          return;
        }
        const entry: Entry = existing ?? { doc: null, dirty: false, mayExist: !this.complete, touched: this.batch, dirtyBatch: 0, dirtySince: 0n };
        entry.doc = doc;
        this.markDirty(entry);
        if (!existing) this.entries.set(doc._id, entry);
      } else if ('replaceOne' in op) {
        const filter = op.replaceOne.filter as Record<string, unknown>;
        const entry = this.entries.get(filter['_id'] as string);
        if (entry?.doc && matchesEqualityFilter(entry.doc, filter)) {
          matchedCount++;
          entry.doc = op.replaceOne.replacement as Doc;
          this.markDirty(entry);
        }
      } else if ('deleteOne' in op) {
        const filter = op.deleteOne.filter as Record<string, unknown>;
        const entry = this.entries.get(filter['_id'] as string);
        if (entry?.doc && matchesEqualityFilter(entry.doc, filter)) {
          deletedCount++;
          entry.doc = null;
          this.markDirty(entry);
        }
      } else {
        throw new Error(`write-behind documents: unsupported operation ${Object.keys(op).join(',')}`);
      }
    });
    if (writeErrors.length > 0) throw Object.assign(new Error('duplicate key'), { code: DUPLICATE_KEY, writeErrors });
    return { matchedCount, deletedCount };
  }

  /**
   * Takes unwritten changes for `write` (all of them, or only the cold and the long-unwritten
   * ones). The taken documents are never mutated; a later change makes the entry dirty again.
   */
  takeDirty(options: TakeOptions = {}): TakenChange[] {
    const hotSince = options.hotBatches === undefined ? Infinity : this.batch - options.hotBatches + 1;
    const tooOld = options.maxDirtyBatches === undefined ? -Infinity : this.batch - options.maxDirtyBatches;
    const taken: TakenChange[] = [];
    for (const [id, entry] of this.entries) {
      if (!entry.dirty) continue;
      if (entry.touched >= hotSince && entry.dirtyBatch > tooOld) continue;
      taken.push({ id, doc: entry.doc, mayExist: entry.mayExist });
      entry.dirty = false;
      if (entry.doc) entry.mayExist = true;
    }
    return taken;
  }

  /** Writes taken changes: upserts by id, deletes of what may exist. Returns the documents written. */
  async write(changes: readonly TakenChange[]): Promise<number> {
    const operations: mongo.AnyBulkWriteOperation<Doc>[] = [];
    for (const change of changes) {
      if (change.doc) operations.push({ replaceOne: { filter: { _id: change.id }, replacement: change.doc, upsert: true } });
      else if (change.mayExist) operations.push({ deleteOne: { filter: { _id: change.id } } });
    }
    // Idempotent (upserts and deletes by id): a failed write is simply written again by the
    // caller; the checkpoint does not move past these changes until one succeeds.
    for (let i = 0; i < operations.length; i += WRITE_CHUNK) await this.target.bulkWrite(operations.slice(i, i + WRITE_CHUNK), { ordered: false });
    return operations.length;
  }

  /** Evicts least recently used clean documents down to `keep` (call when no write is in flight). */
  evict(keep = Math.floor(this.maxDocuments * 0.8)): number {
    let evicted = 0;
    for (const [id, entry] of this.entries) {
      if (this.entries.size <= keep) break;
      if (entry.dirty) continue;
      this.entries.delete(id);
      evicted++;
      if (!entry.mayExist) continue; // known absent: forgetting it loses nothing while complete
      if (this.evicted && this.evicted.size < MAX_REMEMBERED_EVICTIONS) this.evicted.add(id);
      else {
        this.evicted = null;
        this.complete = false;
      }
    }
    return evicted;
  }
}
