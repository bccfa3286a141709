import type { mongo } from 'mongoose';
import { streamIdOf, type CustomerEventRecord, type StreamCategory } from '@crm/contracts';
import type { EventStore } from '@crm/event-store';
import { isTransientError, sleep } from '@crm/messaging';
import type { DerivedEventSink } from '../derived-events';
import { ProjectionRunner } from '../projection-runner';
import type { ReadModelRegistration } from '../nest/read-side.options';
import { chunkGroups, CustomerGroups, noteAffected } from './affected-customers';
import { diffCollections } from './collection-diff';
import { isLiveBehind, type StoredReadModelDocument } from './document-diff';
import { foldsStream, isUnreadable, readLogPages, recordFromStoredEvent, type UnreadableEvent } from './event-log-source';
import type { ReplayCounters, ReplayJob } from './replay-job';
import { MAX_SKIPPED_LISTED, ReplayLeaseLostError, type CheckpointUpdate, type ReplayJobStore } from './replay-job.store';
import { collectionExists, createShadowCollection, dropCollectionIfExists, swapIntoPlace } from './shadow-collection';
import { WriteBehindDocuments } from './write-behind-documents';
import { applyInMergeOrder } from './time-travel';

export interface ReplaySettings {
  /** Events per `readAll` page, and so per fold batch (one `find` + one `bulkWrite`). */
  readonly pageSize: number;
  /** Pages fetched ahead of the fold. */
  readonly readAhead: number;
  /** How long a runner's claim on a job lasts without a checkpoint; a crashed runner's job is resumed after it. */
  readonly leaseMs: number;
  /** Before swapping a model that derives events: how long to wait for the live consumer to reach the rebuild's end. */
  readonly waitForLiveMs: number;
  /** Customers refolded together by an incremental replay. */
  readonly customersPerChunk: number;
  /** Documents a rebuild keeps in memory (see `WriteBehindDocuments`); bounds the memory a replay takes. */
  readonly cacheDocuments: number;
  /** Documents touched in the last this-many pages stay in memory, unwritten: they are likely to change again. */
  readonly hotPages: number;
  /** …but none stays unwritten longer than this many pages (so the checkpoint keeps moving). */
  readonly maxUnwrittenPages: number;
  /**
   * Write everything after every page and wait for it, before the next page: slower, but a
   * resume never refolds more than one page (tests stop replays at exact pages this way).
   */
  readonly syncWrites: boolean;
}

export const DEFAULT_REPLAY_SETTINGS: ReplaySettings = {
  pageSize: 5_000,
  readAhead: 2,
  leaseMs: 30_000,
  waitForLiveMs: 60_000,
  customersPerChunk: 500,
  cacheDocuments: 20_000,
  hotPages: 1,
  maxUnwrittenPages: 20,
  syncWrites: false,
};

export interface ReplayHooks {
  /**
   * After each batch is folded (with `syncWrites`: after it is written, before its checkpoint
   * is saved — where tests stop a replay, as a crash would).
   */
  afterBatch?(job: ReplayJob, batches: number): void | Promise<void>;
}

export interface ReplayEngineDeps {
  readonly store: EventStore;
  readonly db: mongo.Db;
  readonly jobs: ReplayJobStore;
  /** This process, as lease owner. */
  readonly owner: string;
  readonly categories: ReadonlySet<StreamCategory>;
  /** Where a deriving projection's facts go during catch-up and after the swap (the live path's sink). */
  readonly derivedSink?: DerivedEventSink;
  readonly settings: ReplaySettings;
  readonly hooks?: ReplayHooks;
}

type Docs = mongo.Collection<StoredReadModelDocument>;

const MAX_TRANSIENT_ATTEMPTS = 8;

/**
 * Runs one replay job through its phases, each resumable from what the job document says:
 *
 *   preparing → folding (full) | scanning → copying → refolding (incremental)
 *   → comparing → [swap: waiting-for-live → catching-up → swapping → after-swap] → done
 *
 * The shadow is folded by the same `ProjectionRunner` as the live model, without deriving (the
 * facts history derived are stored already). Only events past the rebuild's end — the tail
 * caught up just before and after the swap — derive, exactly as the live consumer would, with
 * ids that make a fact the consumer derived too a no-op.
 *
 * Crash safety: a checkpoint is saved after the batch it covers is written, so a crash refolds at
 * most one batch, which the runner's revision guard turns into no-ops. An aborted run (process
 * shutdown) leaves the job running with its lease; whoever holds the next lease resumes it.
 */
export class ReplayEngine {
  constructor(private readonly deps: ReplayEngineDeps) {}

  async run(initial: ReplayJob, registration: ReadModelRegistration, signal: AbortSignal): Promise<ReplayJob> {
    const run = new ReplayRun(this.deps, registration, initial, signal);
    return run.execute();
  }
}

class ReplayAborted extends Error {
  constructor() {
    super('replay aborted: the process is stopping');
    this.name = 'ReplayAborted';
  }
}

class ReplayRun {
  private job: ReplayJob;
  private pendingCheckpoint: Promise<void> = Promise.resolve();
  private batches = 0;
  /** Live documents found behind the rebuild by the comparison (kept for the wait before a swap). */
  private liveBehind: string[] | null = null;

  constructor(
    private readonly deps: ReplayEngineDeps,
    private readonly registration: ReadModelRegistration,
    job: ReplayJob,
    private readonly signal: AbortSignal,
  ) {
    this.job = job;
  }

  private get live(): Docs {
    return this.deps.db.collection<StoredReadModelDocument>(this.job.collection);
  }

  private get shadow(): Docs {
    return this.deps.db.collection<StoredReadModelDocument>(this.job.shadow);
  }

  async execute(): Promise<ReplayJob> {
    try {
      while (this.job.phase !== 'done') {
        this.throwIfAborted();
        await this.step();
      }
      await this.settleCheckpoint();
      await this.deps.jobs.finish(this.job, 'completed', { phase: 'done' });
    } catch (error) {
      await this.pendingCheckpoint.catch(() => undefined);
      // As a crash would: resumed by the next lease holder. (A store closed under a stopping
      // process fails reads with other errors; the abort is what counts.)
      if (error instanceof ReplayAborted || this.signal.aborted) return this.job;
      if (error instanceof ReplayLeaseLostError) {
        const current = await this.deps.jobs.get(this.job._id);
        if (current?.status === 'running' && current.cancelRequested) {
          await this.discard(current);
          await this.deps.jobs.finish(current, 'cancelled');
        }
        return current ?? this.job;
      }
      await this.deps.jobs.finish(this.job, 'failed', { error: (error as Error).message });
    }
    return (await this.deps.jobs.get(this.job._id)) ?? this.job;
  }

  private async discard(job: ReplayJob): Promise<void> {
    await dropCollectionIfExists(this.deps.db, job.shadow);
    await this.deps.jobs.dropChunks(job._id);
  }

  private async step(): Promise<void> {
    switch (this.job.phase) {
      case 'preparing':
        await createShadowCollection(this.deps.db, this.job.shadow, this.registration.schema);
        return this.save({ phase: this.job.from.kind === 'beginning' ? 'folding' : 'scanning' });
      case 'folding':
        await this.foldLog(this.shadow, { upTo: BigInt(this.job.endPosition), derive: false, writeBehind: true });
        return this.save({ phase: 'comparing', checkpoint: this.job.endPosition });
      case 'scanning':
        return this.scan();
      case 'copying':
        await this.copyLive();
        return this.save({ phase: 'refolding' });
      case 'refolding':
        await this.refoldChunks();
        return this.save({ phase: 'comparing', checkpoint: this.job.endPosition });
      case 'comparing':
        return this.compare();
      case 'waiting-for-live':
        await this.waitForLive();
        return this.save({ phase: 'catching-up' });
      case 'catching-up':
        await this.foldLog(this.shadow, { derive: true, writeBehind: true });
        return this.save({ phase: 'swapping' });
      case 'swapping':
        await this.swap();
        return this.save({ phase: 'after-swap' });
      case 'after-swap':
        // The consumer kept writing to the old collection until the swap: whatever it applied
        // there since the shadow's last catch-up is refolded into the new one (no-ops for the rest).
        await this.foldLog(this.live, { derive: true, writeBehind: false });
        await this.deps.jobs.dropChunks(this.job._id);
        return this.save({ phase: 'done' });
      case 'done':
        return;
    }
  }

  // ---- folding the log -------------------------------------------------------------------

  private runner(target: Docs | mongo.Collection, derive: boolean): ProjectionRunner<object> {
    const deriving = derive && this.registration.projection.derive !== undefined;
    return new ProjectionRunner(this.registration.projection, { collection: target } as never, undefined, deriving ? this.deps.derivedSink : undefined, {
      skipDerived: !deriving,
    });
  }

  /**
   * Folds the log from the checkpoint (to `upTo`, or to the head) into `target`. A shadow is
   * folded through a `WriteBehindDocuments` layer: pages fold in memory, and documents that went
   * cold are written while the next pages fold (MongoDB works in its own process meanwhile); the
   * checkpoint follows each write, below the oldest change still unwritten. The live collection
   * (after a swap) is written batch by batch with the runner's conditional writes, as the
   * consumer writing beside it expects.
   */
  private async foldLog(target: Docs, options: { upTo?: bigint; derive: boolean; writeBehind: boolean }): Promise<void> {
    const { cacheDocuments, hotPages, maxUnwrittenPages, syncWrites } = this.deps.settings;
    const cache = options.writeBehind ? new WriteBehindDocuments(target as never, cacheDocuments, (await target.findOne({}, { projection: { _id: 1 } })) === null) : undefined;
    const runner = this.runner(cache ? cache.asCollection() : target, options.derive);
    const pages = readLogPages(this.deps.store, {
      after: BigInt(this.job.checkpoint),
      upTo: options.upTo,
      pageSize: this.deps.settings.pageSize,
      readAhead: this.deps.settings.readAhead,
      include: (stored) => foldsStream(this.deps.categories, stored.streamId),
      signal: this.signal,
    });
    let folded: bigint | null = null;
    let writing: Promise<void> | null = null;
    let writeFailure: { error: unknown } | null = null;
    const rethrow = () => {
      if (writeFailure) throw writeFailure.error;
    };
    /** Writes the changes, then checkpoints below whatever is still unwritten. */
    const write = async (changes: ReturnType<WriteBehindDocuments['takeDirty']>, beforeCheckpoint?: () => Promise<void>) => {
      if (cache && changes.length > 0) await this.renewLease();
      const written = cache ? await this.retryTransient(() => cache.write(changes)) : 0;
      this.bump({ documentsWritten: written });
      await beforeCheckpoint?.();
      if (folded !== null) this.checkpointInBackground(cache ? cache.safePosition(folded) : folded);
    };
    for await (const page of pages) {
      this.throwIfAborted();
      rethrow();
      if (page.records.length > 0) cache?.beginBatch(BigInt(page.records[0].position));
      const { written, skipped } = await this.applyBatch(runner, page.records);
      const allSkipped = [...page.unreadable, ...skipped];
      this.bump({ eventsRead: page.read, eventsApplied: page.records.length - skipped.length, documentsWritten: cache ? 0 : written, eventsSkipped: allSkipped.length }, allSkipped);
      folded = page.lastPosition;
      if (!cache || syncWrites) {
        await write(cache ? cache.takeDirty() : [], () => this.afterBatch());
        continue;
      }
      await this.afterBatch();
      if (cache.overCapacity) {
        await writing; // only clean documents can be evicted
        rethrow();
        await write(cache.takeDirty());
        cache.evict();
      }
      if (writing === null) {
        const cold = cache.takeDirty({ hotBatches: hotPages, maxDirtyBatches: maxUnwrittenPages });
        if (cold.length > 0) {
          writing = write(cold)
            .catch((error: unknown) => void (writeFailure = { error }))
            .finally(() => (writing = null));
        }
      }
    }
    await writing;
    rethrow();
    if (cache) await write(cache.takeDirty());
    await this.settleCheckpoint();
  }

  /**
   * Applies a batch as the live consumer does: transient failures (a database away) are retried;
   * a batch failing for a reason of its own is split until the events at fault are found, which
   * are skipped (the consumer dead-letters them) while the rest is applied.
   */
  private async applyBatch(runner: ProjectionRunner<object>, records: CustomerEventRecord[]): Promise<{ written: number; skipped: UnreadableEvent[] }> {
    if (records.length === 0) return { written: 0, skipped: [] };
    for (let attempt = 1; ; attempt++) {
      try {
        return { written: await runner.apply(records), skipped: [] };
      } catch (error) {
        if (isTransientError(error) && attempt < MAX_TRANSIENT_ATTEMPTS) {
          this.throwIfAborted();
          await sleep(Math.min(5_000, 100 * 2 ** attempt));
          continue;
        }
        if (isTransientError(error)) throw error;
        if (records.length === 1) {
          const [r] = records;
          return { written: 0, skipped: [{ eventId: r.envelope.id, position: r.position, error: (error as Error).message }] };
        }
        const middle = Math.ceil(records.length / 2);
        const first = await this.applyBatch(runner, records.slice(0, middle));
        const second = await this.applyBatch(runner, records.slice(middle));
        return { written: first.written + second.written, skipped: [...first.skipped, ...second.skipped] };
      }
    }
  }

  // ---- incremental replays -----------------------------------------------------------------

  /**
   * Which customers to refold: everyone with an event after the start, grouped with the
   * customers merges tie them to (from the merge events, and from the live model's
   * `_metadata.absorbed` for merges before the start).
   */
  private async scan(): Promise<void> {
    const groups = new CustomerGroups();
    const touched = new Set<string>();
    const pages = readLogPages(this.deps.store, {
      after: BigInt(this.job.startPosition),
      upTo: BigInt(this.job.endPosition),
      pageSize: this.deps.settings.pageSize,
      readAhead: this.deps.settings.readAhead,
      include: (stored) => foldsStream(this.deps.categories, stored.streamId),
      signal: this.signal,
    });
    for await (const page of pages) {
      this.throwIfAborted();
      for (const record of page.records) noteAffected(groups, touched, record);
    }
    const absorbing = this.live.find({ '_metadata.absorbed.0': { $exists: true } }, { projection: { _id: 1, '_metadata.absorbed': 1 } });
    for await (const doc of absorbing) for (const merged of doc._metadata?.absorbed ?? []) groups.link(doc._id, merged);
    const chunks = chunkGroups(groups.groupsOf(touched), this.deps.settings.customersPerChunk);
    await this.deps.jobs.saveChunks(this.job._id, chunks);
    await this.save({ phase: 'copying', chunks: chunks.length, chunksDone: 0 });
  }

  /** The trusted part of the live model, copied as is (idempotent: a resumed copy overwrites its own copies). */
  private async copyLive(): Promise<void> {
    let batch: StoredReadModelDocument[] = [];
    const flush = async () => {
      if (batch.length === 0) return;
      await this.renewLease();
      await this.shadow.bulkWrite(batch.map((doc) => ({ replaceOne: { filter: { _id: doc._id }, replacement: doc, upsert: true } })), { ordered: false });
      batch = [];
      await this.save({});
    };
    for await (const doc of this.live.find({}, { batchSize: 1_000 })) {
      this.throwIfAborted();
      batch.push(doc);
      if (batch.length >= 1_000) await flush();
    }
    await flush();
  }

  /** Each chunk of customers: drop their copied documents, refold their whole histories up to the end. */
  private async refoldChunks(): Promise<void> {
    const runner = this.runner(this.shadow, false);
    const end = BigInt(this.job.endPosition);
    const projection = this.registration.projection;
    for (let index = this.job.chunksDone ?? 0; index < (this.job.chunks ?? 0); index++) {
      this.throwIfAborted();
      const customers = await this.deps.jobs.chunk(this.job._id, index);
      const streams = customers.flatMap((c) => [...this.deps.categories].map((category) => streamIdOf(category, c)));
      const histories = await mapLimited(streams, 16, (streamId) => this.deps.store.readStream(streamId));
      const stored = histories.flat().filter((e) => e.position <= end);
      stored.sort((a, b) => (a.position < b.position ? -1 : a.position > b.position ? 1 : 0));
      const records: CustomerEventRecord[] = [];
      const unreadable: UnreadableEvent[] = [];
      for (const event of stored) {
        const record = recordFromStoredEvent(event);
        if (isUnreadable(record)) unreadable.push(record);
        else records.push(record);
      }
      const ids = [...new Set(records.map((r) => projection.documentId(r)).filter((id): id is string => id !== null))];
      await this.renewLease();
      for (let i = 0; i < ids.length; i += 1_000) await this.shadow.deleteMany({ _id: { $in: ids.slice(i, i + 1_000) } });
      let written = 0;
      const skipped: UnreadableEvent[] = [...unreadable];
      try {
        written = await applyInMergeOrder(runner, records, this.deps.settings.pageSize);
      } catch {
        // Fall back to the splitting path to find the events at fault.
        const result = await this.applyBatch(runner, records);
        written = result.written;
        skipped.push(...result.skipped);
      }
      this.bump({ eventsRead: stored.length, eventsApplied: records.length - (skipped.length - unreadable.length), documentsWritten: written, eventsSkipped: skipped.length }, skipped);
      await this.afterBatch();
      await this.save({ chunksDone: index + 1 });
    }
  }

  // ---- comparing and swapping ----------------------------------------------------------------

  private async compare(): Promise<void> {
    const diff = await diffCollections(this.live, this.shadow, BigInt(this.job.endPosition));
    this.liveBehind = diff.liveBehind;
    const summary = diff.summary();
    switch (this.job.mode) {
      case 'dry-run':
        await this.save({ diff: summary });
        await this.discard(this.job);
        return this.save({ phase: 'done' });
      case 'snapshot':
        await this.deps.jobs.dropChunks(this.job._id);
        return this.save({ diff: summary, phase: 'done' });
      case 'swap':
        return this.save({ diff: summary, phase: this.registration.projection.derive ? 'waiting-for-live' : 'catching-up' });
    }
  }

  /**
   * A deriving model is swapped only once the live consumer has applied everything the rebuild
   * folded without deriving: otherwise facts of events the consumer has yet to see would be
   * folded into the new model silently, and the consumer would then skip them as applied.
   */
  private async waitForLive(): Promise<void> {
    if (this.liveBehind === null) {
      // Resumed here after a restart: compare again to know which documents to watch.
      this.liveBehind = (await diffCollections(this.live, this.shadow, BigInt(this.job.endPosition))).liveBehind;
    }
    const deadline = Date.now() + this.deps.settings.waitForLiveMs;
    let behind = this.liveBehind;
    while (behind.length > 0) {
      this.throwIfAborted();
      if (Date.now() > deadline) {
        throw new Error(
          `the live model has not applied events up to position ${this.job.endPosition} yet (${behind.length} document(s) behind, e.g. ${behind.slice(0, 3).join(', ')}); is its consumer running? Resume the replay once it has caught up`,
        );
      }
      await sleep(500);
      await this.save({});
      const still: string[] = [];
      for (let i = 0; i < behind.length; i += 1_000) {
        const ids = behind.slice(i, i + 1_000);
        const [live, rebuilt] = await Promise.all([this.live.find({ _id: { $in: ids } }).toArray(), this.shadow.find({ _id: { $in: ids } }).toArray()]);
        const liveById = new Map(live.map((d) => [d._id, d]));
        for (const doc of rebuilt) if (isLiveBehind(liveById.get(doc._id), doc)) still.push(doc._id);
      }
      behind = still;
    }
  }

  private async swap(): Promise<void> {
    if (!(await collectionExists(this.deps.db, this.job.shadow))) return; // swapped before a crash: the rename is atomic
    await this.renewLease();
    await swapIntoPlace(this.deps.db, this.job.shadow, this.job.collection);
  }

  // ---- bookkeeping -------------------------------------------------------------------------

  private add(delta: Partial<ReplayCounters>): ReplayCounters {
    const c = this.job.counters;
    return {
      eventsRead: c.eventsRead + (delta.eventsRead ?? 0),
      eventsApplied: c.eventsApplied + (delta.eventsApplied ?? 0),
      documentsWritten: c.documentsWritten + (delta.documentsWritten ?? 0),
      eventsSkipped: c.eventsSkipped + (delta.eventsSkipped ?? 0),
    };
  }

  /** Retries what fails for an outage (a database away a moment), as the consumer does; anything else fails the replay. */
  private async retryTransient<T>(work: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await work();
      } catch (error) {
        if (!isTransientError(error) || attempt >= MAX_TRANSIENT_ATTEMPTS) throw error;
        this.throwIfAborted();
        await sleep(Math.min(5_000, 100 * 2 ** attempt));
      }
    }
  }

  /** Fencing: proves this runner still holds the job right before it writes (see `ReplayJobStore.renewLease`). */
  private async renewLease(): Promise<void> {
    const lease = await this.deps.jobs.renewLease(this.job._id, this.deps.owner, this.deps.settings.leaseMs);
    this.job = { ...this.job, lease };
  }

  /** Counts progress in memory; the next checkpoint saves it. */
  private bump(delta: Partial<ReplayCounters>, skipped: readonly UnreadableEvent[] = []): void {
    this.job = { ...this.job, counters: this.add(delta), skipped: [...this.job.skipped, ...skipped].slice(0, MAX_SKIPPED_LISTED) };
  }

  private async afterBatch(): Promise<void> {
    this.batches++;
    await this.deps.hooks?.afterBatch?.(this.job, this.batches);
    this.throwIfAborted();
  }

  /** Saves progress now (after any checkpoint still in flight), with the counters counted so far. */
  private async save(update: CheckpointUpdate): Promise<void> {
    await this.settleCheckpoint();
    this.job = await this.deps.jobs.checkpoint(this.job, this.deps.owner, this.deps.settings.leaseMs, { counters: this.job.counters, skipped: this.job.skipped, ...update });
  }

  /**
   * Saves the checkpoint at `position` while folding goes on: it only ever covers written
   * documents, and the fold does not wait on the round trip.
   */
  private checkpointInBackground(position: bigint): void {
    this.job = { ...this.job, checkpoint: position.toString() };
    const base = this.job;
    this.pendingCheckpoint = this.pendingCheckpoint.then(async () => {
      const saved = await this.deps.jobs.checkpoint(base, this.deps.owner, this.deps.settings.leaseMs, { checkpoint: base.checkpoint, counters: base.counters, skipped: base.skipped });
      this.job = { ...this.job, lease: saved.lease, updatedAt: saved.updatedAt };
    });
    this.pendingCheckpoint.catch(() => undefined);
  }

  private async settleCheckpoint(): Promise<void> {
    await this.pendingCheckpoint;
  }

  private throwIfAborted(): void {
    if (this.signal.aborted) throw new ReplayAborted();
  }
}

/** Maps with at most `limit` calls in flight, results in input order. */
async function mapLimited<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
