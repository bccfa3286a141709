import type { LifecycleStage } from '@crm/contracts';
import type { LifecycleConfig } from './lifecycle-config';
import { CUSTOMER_STAGES, INACTIVE_STAGES, stageAt, type LifecycleFacts } from './lifecycle-stage';

/** Changes kept on the profile (older ones are on the `crm.lifecycle-stages.v1` topic). */
export const LIFECYCLE_HISTORY_LIMIT = 20;

/** `cause` of a change made by the passage of time (an inactivity deadline, a lapsed loyal window, a review after a merge). */
export const TIME_CAUSE = 'time';

/** One stage change, as published in `crm.lifecycle.stage-changed`. */
export interface LifecycleChange {
  /** 1-based count of the customer's changes: what a projection has not published yet is above its last count. */
  readonly n: number;
  readonly from: LifecycleStage | null;
  readonly to: LifecycleStage;
  readonly reason: string;
  readonly reactivation: boolean;
  /** When it took effect: the causing event's time (the profile's clock), or the deadline that passed. */
  readonly at: string;
  /** The id of the event that caused it, or `TIME_CAUSE`. */
  readonly cause: string;
}

/** Where the customer stands, and what is needed to move them on without rereading their history. */
export interface LifecycleStatus {
  /** null until the first judgement. */
  readonly stage: LifecycleStage | null;
  readonly since?: string;
  readonly reason?: string;
  /** The current stage was reached by coming back from at-risk or churned. */
  readonly reactivation: boolean;
  /** When time alone would next change the stage (absent: only an event can). A sweep looks at due profiles only. */
  readonly nextReviewAt?: string;
  /**
   * The profile's clock: the latest customer-event time folded (or the time the current stage took
   * effect, if later). Stages are judged at it, never at the wall clock, so a rebuild judges
   * exactly as the live fold did. A review that changes nothing never moves it.
   */
  readonly asOf?: string;
  /** Changes so far (the `n` of the last one). */
  readonly changes: number;
  /** The last `LIFECYCLE_HISTORY_LIMIT` changes, oldest first. */
  readonly history: readonly LifecycleChange[];
}

export const initialLifecycleStatus = (): LifecycleStatus => ({ stage: null, reactivation: false, changes: 0, history: [] });

const later = (a: string | undefined, b: string): string => (a === undefined || Date.parse(b) > Date.parse(a) ? b : a);

function record(status: LifecycleStatus, to: LifecycleStage, reason: string, at: string, cause: string): LifecycleStatus {
  const from = status.stage;
  const reactivation = from !== null && INACTIVE_STAGES.includes(from) && CUSTOMER_STAGES.includes(to);
  const change: LifecycleChange = {
    n: status.changes + 1,
    from,
    to,
    reason: reactivation ? `${reason} after being ${from} (reactivation)` : reason,
    reactivation,
    at,
    cause,
  };
  return {
    ...status,
    stage: to,
    since: at,
    reason: change.reason,
    reactivation,
    changes: change.n,
    history: [...status.history, change].slice(-LIFECYCLE_HISTORY_LIMIT),
  };
}

/**
 * Pure: what time alone did to the stage up to `until` — every review that fell due (inactivity
 * deadlines, a loyal window lapsing, a review scheduled by a merge), in order, each taking effect
 * at its own deadline. A sweep calls it with the wall clock; an event first calls it with its own
 * time; both find the same changes at the same instants, so their derived ids agree.
 */
export function reviewLifecycle(status: LifecycleStatus, facts: LifecycleFacts, until: string, config: LifecycleConfig): LifecycleStatus {
  let current = status;
  const limit = Date.parse(until);
  // each review moves strictly forward in time, and there are at most a handful of deadlines
  for (let guard = 0; current.nextReviewAt !== undefined && Date.parse(current.nextReviewAt) <= limit && guard < 10; guard++) {
    const at = current.nextReviewAt;
    const verdict = stageAt(facts, at, config);
    if (verdict.stage !== current.stage) current = record(current, verdict.stage, verdict.reason, at, TIME_CAUSE);
    const next = verdict.changesAt !== undefined && Date.parse(verdict.changesAt) > Date.parse(at) ? verdict.changesAt : undefined;
    current = withNextReview(current, next);
  }
  return current;
}

/**
 * Pure: the status after an event at `time` (id `eventId`) turned `before` facts into `after`.
 * First what time did up to the profile's clock, then what the event did. The clock only moves
 * forward: an event older than what was already seen (or than the current stage) is judged at
 * the clock.
 */
export function judgeEvent(
  status: LifecycleStatus,
  before: LifecycleFacts,
  after: LifecycleFacts,
  event: { readonly id: string; readonly time: string },
  config: LifecycleConfig,
): LifecycleStatus {
  // never judged before the current stage took effect: a stage the sweep reached at a deadline
  // is not undone by an event that happened earlier but arrived later
  const asOf = later(later(status.asOf, status.since ?? event.time), event.time);
  const reviewed = reviewLifecycle(status, before, asOf, config);
  return judgeAt(reviewed, after, asOf, event.id, config);
}

/** Pure: the stage judged on `facts` at `at`, recorded as caused by `cause` when it changed. */
export function judgeAt(status: LifecycleStatus, facts: LifecycleFacts, at: string, cause: string, config: LifecycleConfig): LifecycleStatus {
  const verdict = stageAt(facts, at, config);
  const changed = verdict.stage !== status.stage ? record(status, verdict.stage, verdict.reason, at, cause) : status;
  return withNextReview({ ...changed, asOf: later(status.asOf, at) }, verdict.changesAt);
}

/** Schedules a review at `at` (kept if an earlier one is already due). */
export function scheduleReview(status: LifecycleStatus, at: string): LifecycleStatus {
  const next = status.nextReviewAt === undefined || Date.parse(at) < Date.parse(status.nextReviewAt) ? at : status.nextReviewAt;
  return { ...status, nextReviewAt: next };
}

/** Changes recorded after the first `known` (what is new between two versions of a status). */
export const changesSince = (status: LifecycleStatus, known: number): LifecycleChange[] => status.history.filter((c) => c.n > known);

function withNextReview(status: LifecycleStatus, next: string | undefined): LifecycleStatus {
  const { nextReviewAt: _dropped, ...rest } = status;
  return next === undefined ? rest : { ...rest, nextReviewAt: next };
}
