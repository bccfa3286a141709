import type { mongo } from 'mongoose';
import type { ReplayCounters, ReplayJob, ReplayPhase } from './replay-job';
import type { UnreadableEvent } from './event-log-source';
import type { DiffSummary } from './document-diff';

const DUPLICATE_KEY = 11000;
/** Skipped events listed in a job (the count goes on). */
export const MAX_SKIPPED_LISTED = 50;

export class ReplayAlreadyRunningError extends Error {
  constructor(
    readonly readModel: string,
    readonly jobId: string,
  ) {
    super(`a replay of ${readModel} is already running: ${jobId}`);
    this.name = 'ReplayAlreadyRunningError';
  }
}

/** The runner no longer holds the job (its lease passed to another process, or it was cancelled). */
export class ReplayLeaseLostError extends Error {
  constructor(jobId: string) {
    super(`replay ${jobId}: lease lost or job cancelled`);
    this.name = 'ReplayLeaseLostError';
  }
}

export interface CheckpointUpdate {
  readonly checkpoint?: string;
  readonly phase?: ReplayPhase;
  readonly chunksDone?: number;
  readonly chunks?: number;
  readonly counters?: Partial<ReplayCounters>;
  /** The whole list so far (not an addition). */
  readonly skipped?: readonly UnreadableEvent[];
  readonly diff?: DiffSummary;
}

const round3 = (n: number): number => Math.round(n * 1000) / 1000;

/**
 * Replay jobs in the service's own MongoDB: the job and its checkpoint (`replay_jobs`), one lock
 * per read model (`replay_locks`, so two replays of one model never race: insert or fail) and the
 * customer chunks of incremental replays (`replay_job_chunks`). Every update by a runner is
 * conditional on its lease, so a runner that lost its job (to a resume elsewhere, or a cancel)
 * stops at its next checkpoint instead of writing over the new owner.
 */
export class ReplayJobStore {
  constructor(private readonly db: mongo.Db) {}

  private get jobs(): mongo.Collection<ReplayJob> {
    return this.db.collection<ReplayJob>('replay_jobs');
  }

  private get locks(): mongo.Collection<{ _id: string; jobId: string }> {
    return this.db.collection<{ _id: string; jobId: string }>('replay_locks');
  }

  private get chunkCollection(): mongo.Collection<{ _id: string; jobId: string; index: number; customers: string[] }> {
    return this.db.collection<{ _id: string; jobId: string; index: number; customers: string[] }>('replay_job_chunks');
  }

  /** Takes the read model's lock, then stores the job; a running replay of the model means 409. */
  async create(job: ReplayJob): Promise<void> {
    try {
      await this.locks.insertOne({ _id: job.readModel, jobId: job._id });
    } catch (error) {
      if ((error as { code?: number }).code !== DUPLICATE_KEY) throw error;
      const lock = await this.locks.findOne({ _id: job.readModel });
      throw new ReplayAlreadyRunningError(job.readModel, lock?.jobId ?? 'unknown');
    }
    await this.jobs.insertOne(job as mongo.OptionalUnlessRequiredId<ReplayJob>);
  }

  get(id: string): Promise<ReplayJob | null> {
    return this.jobs.findOne({ _id: id });
  }

  async list(readModel?: string, limit = 50): Promise<ReplayJob[]> {
    const jobs = await this.jobs.find(readModel ? { readModel } : {}).toArray();
    return jobs.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime()).slice(0, limit);
  }

  /** Running jobs whose runner stopped renewing its lease (crashed or killed). */
  async orphans(now: Date): Promise<ReplayJob[]> {
    const running = await this.jobs.find({ status: 'running' }).toArray();
    return running.filter((j) => !j.lease || j.lease.until < now);
  }

  /**
   * Takes a job for this process: a running job whose lease expired, or (with `restartFailed`) a
   * failed one, which continues from its checkpoint. Null when someone else holds it.
   */
  async claim(id: string, owner: string, leaseMs: number, now: Date, restartFailed = false): Promise<ReplayJob | null> {
    const job = await this.get(id);
    if (!job) return null;
    const expired = job.status === 'running' && (!job.lease || job.lease.until < now || job.lease.owner === owner);
    const failed = restartFailed && job.status === 'failed';
    if (!expired && !failed) return null;
    if (failed) {
      // A failed job released its lock; it must win it back before running again.
      try {
        await this.locks.insertOne({ _id: job.readModel, jobId: job._id });
      } catch (error) {
        if ((error as { code?: number }).code !== DUPLICATE_KEY) throw error;
        const lock = await this.locks.findOne({ _id: job.readModel });
        if (lock?.jobId !== job._id) throw new ReplayAlreadyRunningError(job.readModel, lock?.jobId ?? 'unknown');
      }
    }
    const result = await this.jobs.updateOne(
      { _id: id, status: job.status, updatedAt: job.updatedAt },
      {
        $set: {
          status: 'running',
          lease: { owner, until: new Date(now.getTime() + leaseMs) },
          updatedAt: now,
          runStartedAt: now,
          runStartCheckpoint: job.checkpoint,
          runStartEventsRead: job.counters.eventsRead,
          phaseStartedAt: now,
        },
        $unset: { error: '' },
        $inc: { resumes: 1 },
      },
    );
    return result.modifiedCount === 1 ? this.get(id) : null;
  }

  /** Saves progress and renews the lease; throws ReplayLeaseLostError when the job is no longer this runner's. */
  async checkpoint(job: ReplayJob, owner: string, leaseMs: number, update: CheckpointUpdate): Promise<ReplayJob> {
    const now = new Date();
    const counters = { ...job.counters, ...update.counters };
    const skipped = (update.skipped ?? job.skipped).slice(0, MAX_SKIPPED_LISTED);
    const phaseChange =
      update.phase !== undefined && update.phase !== job.phase
        ? {
            phaseSeconds: { ...job.phaseSeconds, [job.phase]: round3((job.phaseSeconds?.[job.phase] ?? 0) + (now.getTime() - (job.phaseStartedAt ?? job.runStartedAt).getTime()) / 1000) },
            phaseStartedAt: now,
          }
        : {};
    const set: Partial<ReplayJob> = {
      ...phaseChange,
      ...(update.checkpoint !== undefined ? { checkpoint: update.checkpoint } : {}),
      ...(update.phase !== undefined ? { phase: update.phase } : {}),
      ...(update.chunks !== undefined ? { chunks: update.chunks } : {}),
      ...(update.chunksDone !== undefined ? { chunksDone: update.chunksDone } : {}),
      ...(update.diff !== undefined ? { diff: update.diff } : {}),
      counters,
      skipped,
      lease: { owner, until: new Date(now.getTime() + leaseMs) },
      updatedAt: now,
    };
    const result = await this.jobs.updateOne({ _id: job._id, status: 'running', 'lease.owner': owner, cancelRequested: { $ne: true } }, { $set: set });
    if (result.matchedCount !== 1) throw new ReplayLeaseLostError(job._id);
    return { ...job, ...set } as ReplayJob;
  }

  async finish(job: ReplayJob, status: 'completed' | 'failed' | 'cancelled', extra: { error?: string; phase?: ReplayPhase } = {}): Promise<void> {
    const now = new Date();
    await this.jobs.updateOne(
      { _id: job._id },
      { $set: { status, updatedAt: now, finishedAt: now, ...(extra.error ? { error: extra.error } : {}), ...(extra.phase ? { phase: extra.phase } : {}) }, $unset: { lease: '' } },
    );
    await this.locks.deleteOne({ _id: job.readModel, jobId: job._id });
  }

  /**
   * Extends the lease, or throws ReplayLeaseLostError: runners call it right before writing to a
   * shadow or swapping it, so a runner that stalled past its lease (and was taken over) never
   * writes again — on MongoDB a late write to a swapped shadow's name would create a stray
   * collection, and on the local MongoDB-wire server it would even land in the live one.
   */
  async renewLease(id: string, owner: string, leaseMs: number): Promise<{ owner: string; until: Date }> {
    const lease = { owner, until: new Date(Date.now() + leaseMs) };
    const result = await this.jobs.updateOne({ _id: id, status: 'running', 'lease.owner': owner, cancelRequested: { $ne: true } }, { $set: { lease } });
    if (result.matchedCount !== 1) throw new ReplayLeaseLostError(id);
    return lease;
  }

  /** Ends this process's lease on a job it stops running (graceful shutdown): the next lease holder resumes it at once. */
  async releaseLease(id: string, owner: string): Promise<void> {
    await this.jobs.updateOne({ _id: id, status: 'running', 'lease.owner': owner }, { $set: { 'lease.until': new Date(0) } });
  }

  /** Asks a running job to stop (its runner drops the shadow); true when there was one to ask. */
  async requestCancel(id: string): Promise<boolean> {
    const result = await this.jobs.updateOne({ _id: id, status: 'running' }, { $set: { cancelRequested: true, updatedAt: new Date() } });
    return result.matchedCount === 1;
  }

  async saveChunks(jobId: string, chunks: readonly string[][]): Promise<void> {
    await this.chunkCollection.deleteMany({ jobId });
    for (let i = 0; i < chunks.length; i += 100) {
      const slice = chunks.slice(i, i + 100).map((customers, j) => ({ _id: `${jobId}:${i + j}`, jobId, index: i + j, customers }));
      if (slice.length > 0) await this.chunkCollection.insertMany(slice);
    }
  }

  async chunk(jobId: string, index: number): Promise<string[]> {
    const doc = await this.chunkCollection.findOne({ _id: `${jobId}:${index}` });
    if (!doc) throw new Error(`replay ${jobId}: customer chunk ${index} missing`);
    return doc.customers;
  }

  async dropChunks(jobId: string): Promise<void> {
    await this.chunkCollection.deleteMany({ jobId });
  }
}
