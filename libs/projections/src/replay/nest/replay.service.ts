import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Connection, mongo } from 'mongoose';
import type { StreamCategory } from '@crm/contracts';
import type { EventStore, StoredEvent } from '@crm/event-store';
import { EventStoreDerivedEventSink } from '../../derived-events';
import type { ProjectedDocument } from '../../document-projection';
import { READ_SIDE_OPTIONS, type ReadModelRegistration, type ReadSideOptions } from '../../nest/read-side.options';
import { ReadSideService } from '../../nest/read-side.service';
import type { StoredReadModelDocument } from '../document-diff';
import { categoriesOfTopics } from '../event-log-source';
import { headPosition, positionAtTime } from '../log-positions';
import { DEFAULT_REPLAY_SETTINGS, ReplayEngine, type ReplaySettings } from '../replay-engine';
import { replayProgress, replayReport, type ReplayFrom, type ReplayJob, type ReplayMode, type ReplayProgress, type ReplayReport, type ReplayUntil } from '../replay-job';
import { ReplayAlreadyRunningError, ReplayJobStore } from '../replay-job.store';
import { ReplayError, ReplayErrorCodes } from '../replay.errors';
import { collectionExists, dropCollectionIfExists, shadowCollectionName } from '../shadow-collection';
import { foldCustomerAsOf, type AsOf } from '../time-travel';

/** A point in the log, as asked for: a position or an instant (resolved to the last position recorded by then). */
export interface ReplayPoint {
  readonly position?: string;
  readonly time?: string;
}

export interface StartReplayRequest {
  /** Projection name (`customer-profile`) or mongoose model name (`CustomerProfile`). */
  readonly readModel: string;
  readonly from?: ReplayPoint;
  readonly until?: ReplayPoint;
  readonly mode?: ReplayMode;
}

export interface ReplayJobView {
  readonly id: string;
  readonly readModel: string;
  readonly model: string;
  readonly collection: string;
  readonly shadow: string;
  readonly mode: ReplayMode;
  readonly from: ReplayFrom;
  readonly until: ReplayUntil;
  readonly status: ReplayJob['status'];
  readonly phase: ReplayJob['phase'];
  readonly startPosition: string;
  readonly endPosition: string;
  readonly checkpoint: string;
  readonly counters: ReplayJob['counters'];
  readonly progress: ReplayProgress;
  readonly report: ReplayReport | null;
  readonly skipped: ReplayJob['skipped'];
  readonly resumes: number;
  readonly error?: string;
  readonly createdAt: string;
  readonly updatedAt: string;
  readonly finishedAt?: string;
}

export interface ReadModelView {
  readonly name: string;
  readonly model: string;
  readonly collection: string;
  readonly schemaVersion: number;
  readonly documents: number;
  /** Stream categories folded (from the service's topics). */
  readonly streams: readonly StreamCategory[];
  readonly derivesEvents: boolean;
  readonly replayAvailable: boolean;
  readonly runningReplay: string | null;
}

export interface TimeTravelRequest {
  readonly asOf: AsOf;
  /** Whose history to fold; defaults to the document id (read models keyed by customer id). */
  readonly customerId?: string;
}

interface ReadModelTarget {
  readonly registration: ReadModelRegistration;
  readonly collection: string;
}

const MAX_MERGE_CHAIN = 64;

export const toJobView = (job: ReplayJob, now = new Date()): ReplayJobView => ({
  id: job._id,
  readModel: job.readModel,
  model: job.model,
  collection: job.collection,
  shadow: job.shadow,
  mode: job.mode,
  from: job.from,
  until: job.until,
  status: job.status,
  phase: job.phase,
  startPosition: job.startPosition,
  endPosition: job.endPosition,
  checkpoint: job.checkpoint,
  counters: job.counters,
  progress: replayProgress(job, now),
  report: job.status === 'running' ? null : replayReport(job),
  skipped: job.skipped,
  resumes: job.resumes,
  ...(job.error ? { error: job.error } : {}),
  createdAt: job.createdAt.toISOString(),
  updatedAt: job.updatedAt.toISOString(),
  ...(job.finishedAt ? { finishedAt: job.finishedAt.toISOString() } : {}),
});

/**
 * Replays and time travel for every read model of the service, generic over its projections.
 * Jobs live in the service's MongoDB (see `ReplayJobStore`); a job this process runs holds a
 * lease it renews at each checkpoint. Jobs whose lease lapsed (their process died) are picked up
 * by whichever replica notices first, at start and then periodically; a graceful shutdown hands
 * its jobs back at once.
 */
@Injectable()
export class ReplayService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Replay');
  private readonly owner = `${hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
  private readonly settings: ReplaySettings;
  private readonly running = new Map<string, { controller: AbortController; done: Promise<unknown> }>();
  private readonly categories: ReadonlySet<StreamCategory>;
  private orphanTimer?: NodeJS.Timeout;
  private stopping = false;

  constructor(
    @Inject(READ_SIDE_OPTIONS) private readonly options: ReadSideOptions,
    @InjectConnection() private readonly connection: Connection,
    private readonly readSide: ReadSideService,
  ) {
    const { hooks: _hooks, ...settings } = options.replay ?? {};
    this.settings = { ...DEFAULT_REPLAY_SETTINGS, ...settings };
    this.categories = categoriesOfTopics(options.topics);
  }

  onApplicationBootstrap(): void {
    if (!this.options.eventStore) return;
    const every = Math.max(250, Math.min(5_000, this.settings.leaseMs / 2));
    this.orphanTimer = setInterval(() => {
      this.resumeOrphans().catch((error: Error) => this.logger.warn(`cannot look for interrupted replays: ${error.message}`));
    }, every);
    this.orphanTimer.unref();
  }

  /** Stops this process's runs where they are and hands their leases back, so the next start (or another replica) resumes them at once. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    if (this.orphanTimer) clearInterval(this.orphanTimer);
    const runs = [...this.running.entries()];
    for (const [, run] of runs) run.controller.abort();
    await Promise.all(runs.map(([, run]) => run.done.catch(() => undefined)));
    await Promise.all(runs.map(([id]) => this.jobs.releaseLease(id, this.owner).catch(() => undefined)));
  }

  // ---- read models ------------------------------------------------------------------------

  async readModels(): Promise<ReadModelView[]> {
    const locks = await this.db.collection<{ _id: string; jobId: string }>('replay_locks').find({}).toArray();
    const lockOf = new Map(locks.map((l) => [l._id, l.jobId]));
    return Promise.all(
      this.targets().map(async ({ registration, collection }) => ({
        name: registration.projection.name,
        model: registration.name,
        collection,
        schemaVersion: registration.projection.schemaVersion,
        documents: await this.db.collection(collection).estimatedDocumentCount(),
        streams: [...this.categories],
        derivesEvents: registration.projection.derive !== undefined,
        replayAvailable: this.options.eventStore !== undefined,
        runningReplay: lockOf.get(registration.projection.name) ?? null,
      })),
    );
  }

  // ---- replays ----------------------------------------------------------------------------

  async start(request: StartReplayRequest): Promise<ReplayJobView> {
    const store = this.requireStore();
    const target = this.target(request.readModel);
    const mode = request.mode ?? 'swap';
    if (request.from && request.until) {
      throw new ReplayError(ReplayErrorCodes.invalidRequest, 'give "from" (an incremental rebuild up to now) or "until" (the model as it stood then), not both');
    }
    if (request.until && mode === 'swap') {
      throw new ReplayError(ReplayErrorCodes.invalidRequest, 'a replay "until" a past point rebuilds the model as it stood then: use mode "dry-run" or "snapshot"; swapping it in would roll the live model back');
    }
    const from = request.from ? await this.resolveFrom(store, request.from) : ({ kind: 'beginning' } as const);
    const until = request.until ? await this.resolveUntil(store, request.until) : ({ kind: 'head' } as const);
    const head = await headPosition(store);
    const endPosition = until.kind === 'head' ? head : BigInt(until.position) < head ? BigInt(until.position) : head;
    const start = from.kind === 'beginning' ? 0n : BigInt(from.position) < endPosition ? BigInt(from.position) : endPosition;
    const now = new Date();
    const id = `${now.getTime().toString(36)}${randomBytes(3).toString('hex')}`;
    const job: ReplayJob = {
      _id: id,
      readModel: target.registration.projection.name,
      model: target.registration.name,
      collection: target.collection,
      shadow: shadowCollectionName(target.collection, id),
      mode,
      from,
      until,
      status: 'running',
      phase: 'preparing',
      startPosition: start.toString(),
      endPosition: endPosition.toString(),
      checkpoint: start.toString(),
      counters: { eventsRead: 0, eventsApplied: 0, documentsWritten: 0, eventsSkipped: 0 },
      skipped: [],
      lease: { owner: this.owner, until: new Date(now.getTime() + this.settings.leaseMs) },
      resumes: 0,
      createdAt: now,
      updatedAt: now,
      runStartedAt: now,
      runStartCheckpoint: start.toString(),
      runStartEventsRead: 0,
      phaseStartedAt: now,
    };
    try {
      await this.jobs.create(job);
    } catch (error) {
      if (error instanceof ReplayAlreadyRunningError) throw new ReplayError(ReplayErrorCodes.alreadyRunning, error.message);
      throw error;
    }
    this.launch(job, target, store);
    return toJobView(job);
  }

  async get(id: string): Promise<ReplayJobView> {
    return toJobView(await this.job(id));
  }

  async list(readModel?: string): Promise<ReplayJobView[]> {
    const name = readModel ? this.target(readModel).registration.projection.name : undefined;
    return (await this.jobs.list(name)).map((j) => toJobView(j));
  }

  /**
   * Continues a job from its checkpoint: one whose process died (lease lapsed) or that failed (a
   * database away too long, the live consumer not caught up). A job running here is left as is.
   */
  async resume(id: string): Promise<ReplayJobView> {
    const store = this.requireStore();
    const job = await this.job(id);
    if (this.running.has(id)) return toJobView(job);
    if (job.status === 'completed' || job.status === 'cancelled') throw new ReplayError(ReplayErrorCodes.notResumable, `replay ${id} is ${job.status}`);
    let claimed: ReplayJob | null;
    try {
      claimed = await this.jobs.claim(id, this.owner, this.settings.leaseMs, new Date(), true);
    } catch (error) {
      if (error instanceof ReplayAlreadyRunningError) throw new ReplayError(ReplayErrorCodes.alreadyRunning, error.message);
      throw error;
    }
    if (!claimed) {
      throw new ReplayError(ReplayErrorCodes.notResumable, `replay ${id} is running in another process (lease until ${job.lease?.until.toISOString() ?? '?'}); it resumes by itself if that process dies`);
    }
    this.logger.log(`resuming replay ${id} of ${claimed.readModel} at ${claimed.phase}, position ${claimed.checkpoint}`);
    this.launch(claimed, this.target(claimed.readModel), store);
    return toJobView(claimed);
  }

  /** Stops a job and drops its shadow; the live model is untouched (unless the swap already happened). */
  async cancel(id: string): Promise<ReplayJobView> {
    const job = await this.job(id);
    if (job.status !== 'running') throw new ReplayError(ReplayErrorCodes.notResumable, `replay ${id} is ${job.status}`);
    await this.jobs.requestCancel(id);
    const run = this.running.get(id);
    if (run) {
      await run.done.catch(() => undefined);
    } else {
      // Nobody runs it here; if nobody runs it anywhere (lease lapsed), clean up now.
      const claimed = await this.jobs.claim(id, this.owner, this.settings.leaseMs, new Date());
      if (claimed) {
        await dropCollectionIfExists(this.db, claimed.shadow);
        await this.jobs.dropChunks(id);
        await this.jobs.finish(claimed, 'cancelled');
      }
    }
    return toJobView(await this.job(id));
  }

  /** Picks up running jobs whose runner vanished (crash, kill, lost node). */
  async resumeOrphans(): Promise<void> {
    const store = this.readSide.eventStore;
    if (!store || this.stopping) return;
    for (const orphan of await this.jobs.orphans(new Date())) {
      if (this.running.has(orphan._id) || !this.hasTarget(orphan.readModel)) continue;
      const claimed = await this.jobs.claim(orphan._id, this.owner, this.settings.leaseMs, new Date());
      if (!claimed) continue;
      if (claimed.cancelRequested) {
        await dropCollectionIfExists(this.db, claimed.shadow);
        await this.jobs.finish(claimed, 'cancelled');
        continue;
      }
      this.logger.warn(`resuming interrupted replay ${claimed._id} of ${claimed.readModel} at ${claimed.phase}, position ${claimed.checkpoint}`);
      this.launch(claimed, this.target(claimed.readModel), store);
    }
  }

  /** Resolves when the job's run in this process ends (tests and the CLI wait on the job document instead). */
  async whenSettled(id: string): Promise<void> {
    await this.running.get(id)?.done.catch(() => undefined);
  }

  // ---- snapshots --------------------------------------------------------------------------

  /** Documents of a finished `snapshot` replay, by equality on (dotted) fields. */
  async snapshotDocuments(id: string, filter: Record<string, unknown>, page: { offset: number; limit: number }): Promise<{ total: number; items: StoredReadModelDocument[] }> {
    const collection = await this.snapshotCollection(id);
    const [total, items] = await Promise.all([
      collection.countDocuments(filter),
      collection.find(filter).sort({ _id: 1 }).skip(page.offset).limit(page.limit).toArray(),
    ]);
    return { total, items };
  }

  async dropSnapshot(id: string): Promise<void> {
    const collection = await this.snapshotCollection(id);
    await this.db.dropCollection(collection.collectionName);
  }

  // ---- time travel ------------------------------------------------------------------------

  /** One document as it stood at a point in the past; null if it did not exist then. */
  async documentAsOf(readModel: string, documentId: string, request: TimeTravelRequest): Promise<ProjectedDocument<object> | null> {
    const documents = await this.customerDocumentsAsOf(readModel, request.customerId ?? documentId, request);
    return documents.find((d) => d._id === documentId) ?? null;
  }

  /** Every document of a customer's history as it stood at a point in the past. */
  async customerDocumentsAsOf(readModel: string, customerId: string, request: TimeTravelRequest): Promise<ProjectedDocument<object>[]> {
    const store = this.requireStore();
    const target = this.target(readModel);
    const merged = await this.absorbedClosure(target.collection, customerId);
    return foldCustomerAsOf({ store, projection: target.registration.projection, categories: this.categories, customerId, mergedCustomers: merged, asOf: request.asOf });
  }

  /** Resolves an instant to the last position recorded at or before it. */
  async positionAt(time: Date): Promise<bigint> {
    return positionAtTime(this.requireStore(), time);
  }

  // ---- the event log, for operators without database access -----------------------------------

  async readStream(streamId: string, fromRevision: number, limit: number): Promise<StoredEvent[]> {
    return this.requireStore().readStream(streamId, { fromRevision, maxCount: limit });
  }

  async readLog(after: bigint | undefined, limit: number): Promise<StoredEvent[]> {
    return this.requireStore().readAll({ fromPosition: after, maxCount: limit });
  }

  get eventStore(): EventStore {
    return this.requireStore();
  }

  // ---- internals --------------------------------------------------------------------------

  private get db(): mongo.Db {
    if (!this.connection.db) throw new Error('MongoDB not connected');
    return this.connection.db;
  }

  private get jobs(): ReplayJobStore {
    return new ReplayJobStore(this.db);
  }

  private launch(job: ReplayJob, target: ReadModelTarget, store: EventStore): void {
    const controller = new AbortController();
    const engine = new ReplayEngine({
      store,
      db: this.db,
      jobs: this.jobs,
      owner: this.owner,
      categories: this.categories,
      derivedSink: new EventStoreDerivedEventSink(store),
      settings: this.settings,
      hooks: this.options.replay?.hooks,
    });
    const done = engine
      .run(job, target.registration, controller.signal)
      .then((finished) => {
        if (finished.status === 'failed') this.logger.error(`replay ${job._id} of ${job.readModel} failed: ${finished.error}`);
        else if (finished.status !== 'running') this.logger.log(`replay ${job._id} of ${job.readModel} ${finished.status}`);
      })
      .catch((error: Error) => this.logger.error(`replay ${job._id} of ${job.readModel} stopped: ${error.message}`))
      .finally(() => this.running.delete(job._id));
    this.running.set(job._id, { controller, done });
  }

  private requireStore(): EventStore {
    if (!this.options.eventStore) {
      throw new ReplayError(
        ReplayErrorCodes.noEventStore,
        `${this.options.service} was started without an event store (EVENT_STORE / POSTGRES_URL): replays and time travel read the event store`,
      );
    }
    const store = this.readSide.eventStore;
    if (!store) throw new ReplayError(ReplayErrorCodes.eventStoreNotConnected, 'the event store is not connected yet; retry shortly');
    return store;
  }

  private targets(): ReadModelTarget[] {
    return this.options.readModels.map((registration) => ({ registration, collection: this.connection.model(registration.name).collection.collectionName }));
  }

  private hasTarget(name: string): boolean {
    return this.targets().some((t) => t.registration.projection.name === name || t.registration.name === name);
  }

  private target(name: string): ReadModelTarget {
    const target = this.targets().find((t) => t.registration.projection.name === name || t.registration.name === name);
    if (!target) {
      const known = this.targets().map((t) => t.registration.projection.name);
      throw new ReplayError(ReplayErrorCodes.unknownReadModel, `${this.options.service} has no read model "${name}" (it has: ${known.join(', ')})`);
    }
    return target;
  }

  private async job(id: string): Promise<ReplayJob> {
    const job = await this.jobs.get(id);
    if (!job) throw new ReplayError(ReplayErrorCodes.unknownJob, `no replay ${id}`);
    return job;
  }

  private async snapshotCollection(id: string): Promise<mongo.Collection<StoredReadModelDocument>> {
    const job = await this.job(id);
    if (job.mode !== 'snapshot' || job.status !== 'completed') throw new ReplayError(ReplayErrorCodes.notASnapshot, `replay ${id} is not a completed snapshot (mode ${job.mode}, ${job.status})`);
    if (!(await collectionExists(this.db, job.shadow))) throw new ReplayError(ReplayErrorCodes.notFound, `the snapshot of replay ${id} was dropped`);
    return this.db.collection<StoredReadModelDocument>(job.shadow);
  }

  private async resolveFrom(store: EventStore, point: ReplayPoint): Promise<ReplayFrom> {
    if (point.position !== undefined && point.time !== undefined) throw new ReplayError(ReplayErrorCodes.invalidRequest, 'from: give a position or a time, not both');
    if (point.position !== undefined) return { kind: 'position', position: BigInt(point.position).toString() };
    if (point.time !== undefined) return { kind: 'time', time: point.time, position: (await positionAtTime(store, new Date(point.time))).toString() };
    throw new ReplayError(ReplayErrorCodes.invalidRequest, 'from: give a position or a time');
  }

  private async resolveUntil(store: EventStore, point: ReplayPoint): Promise<ReplayUntil> {
    if (point.position !== undefined && point.time !== undefined) throw new ReplayError(ReplayErrorCodes.invalidRequest, 'until: give a position or a time, not both');
    if (point.position !== undefined) return { kind: 'position', position: BigInt(point.position).toString() };
    if (point.time !== undefined) return { kind: 'time', time: point.time, position: (await positionAtTime(store, new Date(point.time))).toString() };
    throw new ReplayError(ReplayErrorCodes.invalidRequest, 'until: give a position or a time');
  }

  /** The customer and everyone merged into it, transitively, per the live model's `_metadata.absorbed`. */
  private async absorbedClosure(collection: string, customerId: string): Promise<string[]> {
    const docs = this.db.collection<StoredReadModelDocument>(collection);
    const seen = new Set<string>([customerId]);
    let frontier = [customerId];
    for (let depth = 0; frontier.length > 0 && depth < MAX_MERGE_CHAIN; depth++) {
      const found = await docs.find({ _id: { $in: frontier } }, { projection: { _id: 1, '_metadata.absorbed': 1 } }).toArray();
      frontier = found.flatMap((d) => d._metadata?.absorbed ?? []).filter((c) => !seen.has(c));
      for (const c of frontier) seen.add(c);
    }
    seen.delete(customerId);
    return [...seen];
  }
}
