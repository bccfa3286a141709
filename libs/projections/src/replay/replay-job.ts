import type { DiffSummary } from './document-diff';
import type { UnreadableEvent } from './event-log-source';

/**
 * What a replay rebuilds from.
 * - `beginning`: every event, into an empty shadow.
 * - `position` / `time`: an incremental rebuild. Documents no event after that point touched are
 *   trusted and copied from the live model; the customers whose events come after it are refolded
 *   from their whole history. Use it after fixing a projection bug deployed at that point.
 *   A time is resolved to the last position recorded at or before it.
 */
export type ReplayFrom =
  | { readonly kind: 'beginning' }
  | { readonly kind: 'position'; readonly position: string }
  | { readonly kind: 'time'; readonly time: string; readonly position: string };

/**
 * Where a replay stops. `head`: the end of the log (then it keeps up with new events until the
 * swap). `position` / `time`: the read model as it stood then ("state at T"); such a replay can
 * be compared (`dry-run`) or kept (`snapshot`), never swapped in.
 */
export type ReplayUntil =
  | { readonly kind: 'head' }
  | { readonly kind: 'position'; readonly position: string }
  | { readonly kind: 'time'; readonly time: string; readonly position: string };

/**
 * - `swap`: rebuild into a shadow collection, then put it in the live collection's place.
 * - `dry-run`: rebuild, compare with the live model, report, drop the shadow.
 * - `snapshot`: rebuild, compare, and keep the shadow under its own name for offline queries.
 */
export const REPLAY_MODES = ['swap', 'dry-run', 'snapshot'] as const;
export type ReplayMode = (typeof REPLAY_MODES)[number];

export type ReplayPhase =
  | 'preparing'
  | 'scanning'
  | 'copying'
  | 'refolding'
  | 'folding'
  | 'comparing'
  | 'waiting-for-live'
  | 'catching-up'
  | 'swapping'
  | 'after-swap'
  | 'done';

export type ReplayStatus = 'running' | 'completed' | 'failed' | 'cancelled';

export interface ReplayCounters {
  /** Events read from the log (every stream). */
  readonly eventsRead: number;
  /** Events handed to the projection (the streams this read side folds). */
  readonly eventsApplied: number;
  /** Documents inserted, replaced or deleted in the shadow (and, after a swap, in the live model). */
  readonly documentsWritten: number;
  /** Events the live consumer refuses too (dead-lettered there): skipped, listed in `skipped`. */
  readonly eventsSkipped: number;
}

export interface ReplayJob {
  readonly _id: string;
  /** Projection name (`customer-profile`). */
  readonly readModel: string;
  /** Mongoose model name and live collection. */
  readonly model: string;
  readonly collection: string;
  readonly shadow: string;
  readonly mode: ReplayMode;
  readonly from: ReplayFrom;
  readonly until: ReplayUntil;
  readonly status: ReplayStatus;
  readonly phase: ReplayPhase;
  /** Exclusive start of the fold and inclusive end of the rebuild proper (decimal positions). */
  readonly startPosition: string;
  readonly endPosition: string;
  /** Last position applied to the shadow (the resume point). */
  readonly checkpoint: string;
  /** Incremental replays: customer chunks to refold, and how many are done. */
  readonly chunks?: number;
  readonly chunksDone?: number;
  readonly counters: ReplayCounters;
  readonly skipped: readonly UnreadableEvent[];
  readonly diff?: DiffSummary;
  readonly error?: string;
  /** Which process runs it, until when: a crashed runner's lease expires and another resumes. */
  readonly lease?: { readonly owner: string; readonly until: Date };
  /** Times the job was picked up again after a crash, a restart or a failure. */
  readonly resumes: number;
  readonly cancelRequested?: boolean;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  /** When the current run began, and the counters then: events/s and ETA are over the current run. */
  readonly runStartedAt: Date;
  readonly runStartCheckpoint: string;
  readonly runStartEventsRead: number;
  /** Seconds spent in each finished phase (summed over resumes), and when the current one began. */
  readonly phaseSeconds?: Readonly<Partial<Record<ReplayPhase, number>>>;
  readonly phaseStartedAt?: Date;
  readonly finishedAt?: Date;
}

export interface ReplayProgress {
  /** Share of the rebuild's position range done, 0…1. */
  readonly fraction: number;
  readonly eventsPerSecond: number;
  readonly etaSeconds: number | null;
  readonly elapsedSeconds: number;
}

/** Progress of a job from its counters and positions (positions stand in for event counts: they are nearly dense). */
export function replayProgress(job: ReplayJob, now: Date): ReplayProgress {
  const start = BigInt(job.startPosition);
  const end = BigInt(job.endPosition);
  const checkpoint = BigInt(job.checkpoint);
  const finished = job.status !== 'running';
  const elapsedSeconds = Math.max(0, ((job.finishedAt ?? now).getTime() - job.createdAt.getTime()) / 1000);
  let fraction: number;
  if (finished) fraction = job.status === 'completed' ? 1 : positionFraction(start, end, checkpoint);
  else if (job.chunks !== undefined && ['scanning', 'copying', 'refolding'].includes(job.phase)) fraction = job.chunks === 0 ? 1 : (job.chunksDone ?? 0) / job.chunks;
  else if (job.phase === 'preparing' || job.phase === 'scanning' || job.phase === 'copying') fraction = 0;
  else fraction = positionFraction(start, end, checkpoint);
  const runSeconds = Math.max(0.001, (now.getTime() - job.runStartedAt.getTime()) / 1000);
  const eventsPerSecond = finished ? job.counters.eventsRead / Math.max(0.001, elapsedSeconds) : (job.counters.eventsRead - job.runStartEventsRead) / runSeconds;
  const runStart = BigInt(job.runStartCheckpoint);
  const doneThisRun = positionFraction(start, end, checkpoint) - positionFraction(start, end, runStart);
  const etaSeconds = finished ? 0 : doneThisRun > 0 ? ((1 - fraction) * runSeconds) / doneThisRun : null;
  return { fraction, eventsPerSecond: Math.round(eventsPerSecond), etaSeconds: etaSeconds === null ? null : Math.round(etaSeconds), elapsedSeconds: Math.round(elapsedSeconds * 10) / 10 };
}

function positionFraction(start: bigint, end: bigint, at: bigint): number {
  if (end <= start) return 1;
  const clamped = at < start ? start : at > end ? end : at;
  return Number(((clamped - start) * 10_000n) / (end - start)) / 10_000;
}

/** The final report: what a finished replay did. */
export interface ReplayReport {
  readonly eventsApplied: number;
  /** Events read per second while folding the log (the rebuild proper, comparison excluded). */
  readonly foldEventsPerSecond: number | null;
  readonly phaseSeconds: Readonly<Partial<Record<ReplayPhase, number>>>;
  readonly documentsWritten: number;
  readonly eventsSkipped: number;
  readonly durationSeconds: number;
  readonly diff: DiffSummary | null;
  /** `snapshot`: the collection holding the rebuilt model. */
  readonly snapshotCollection?: string;
}

export function replayReport(job: ReplayJob): ReplayReport {
  const end = job.finishedAt ?? job.updatedAt;
  const foldSeconds = job.phaseSeconds?.folding ?? job.phaseSeconds?.refolding;
  return {
    eventsApplied: job.counters.eventsApplied,
    foldEventsPerSecond: foldSeconds ? Math.round(job.counters.eventsRead / foldSeconds) : null,
    phaseSeconds: job.phaseSeconds ?? {},
    documentsWritten: job.counters.documentsWritten,
    eventsSkipped: job.counters.eventsSkipped,
    durationSeconds: Math.round((end.getTime() - job.createdAt.getTime()) / 100) / 10,
    diff: job.diff ?? null,
    ...(job.mode === 'snapshot' && job.status === 'completed' ? { snapshotCollection: job.shadow } : {}),
  };
}
