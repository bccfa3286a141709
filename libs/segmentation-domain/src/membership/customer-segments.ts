import { CUSTOMER_ERASED, CUSTOMER_MERGED, type EventEnvelope } from '@crm/contracts';
import type { SegmentDefinition } from '../definitions/segment-definition';
import { combineCustomerFacts, evolveCustomerFacts, NO_FACTS, type CustomerFacts } from '../facts/customer-facts';
import type { RfmThresholds } from '../rfm/rfm-scores';
import { explainRule, matchesRule, reasonOf, type EvaluationContext } from '../rules/evaluate-segment-rule';
import { earliestOf, nextChangeAt } from '../rules/next-change';

/** The segments in force and the RFM thresholds of the moment: everything judging needs besides facts. */
export interface SegmentationContext {
  readonly segments: readonly SegmentDefinition[];
  readonly rfm: RfmThresholds | null;
  /** Segments deleted lately: they name the exits their deletion causes. */
  readonly deleted?: readonly SegmentDefinition[];
}

/** One customer's read model: facts, the segments they put the customer in, and when to look again. */
export interface CustomerSegments {
  readonly customerId: string;
  readonly facts: CustomerFacts;
  /** Ids of the segments the customer is in, sorted. */
  readonly segments: readonly string[];
  /** The customer's clock (epoch ms): the latest event time or sweep time judged at. Never goes back. */
  readonly asOf: number;
  /** Earliest time the passing of time alone may change a membership; null when it cannot. */
  readonly reevaluateAt: number | null;
  /** Set once merged into another customer: in no segment any more. */
  readonly mergedInto?: string;
  /** Set once erased: facts forgotten, in no segment, later events ignored. */
  readonly erasedAt?: number;
}

export const newCustomerSegments = (customerId: string): CustomerSegments => ({
  customerId,
  facts: NO_FACTS,
  segments: [],
  asOf: 0,
  reevaluateAt: null,
});

/** Which segments hold at `now` and when that may next change by time alone. */
export function judge(facts: CustomerFacts, context: SegmentationContext, now: number): { segments: string[]; reevaluateAt: number | null } {
  const evaluation: EvaluationContext = { now, rfm: context.rfm };
  const segments: string[] = [];
  const changes: (number | null)[] = [];
  for (const segment of context.segments) {
    if (matchesRule(segment.rule, facts, evaluation)) segments.push(segment.id);
    changes.push(nextChangeAt(segment.rule, facts, evaluation));
  }
  return { segments: segments.sort(), reevaluateAt: earliestOf(changes) };
}

/**
 * Pure: the read model after one event — of the customer's own stream, their loyalty account or
 * their lifecycle — judged at the customer's clock (the latest event time seen), so the same events
 * always give the same memberships. The passing of time after that is the sweep's (`rejudge`).
 */
export function evolveCustomerSegments(state: CustomerSegments | null, envelope: EventEnvelope, context: SegmentationContext): CustomerSegments {
  const base = state ?? newCustomerSegments(envelope.subject);
  const at = Date.parse(envelope.time);
  const asOf = Number.isFinite(at) ? Math.max(base.asOf, at) : base.asOf;
  if (base.erasedAt !== undefined) return { ...base, asOf };
  if (envelope.type === CUSTOMER_ERASED) {
    return { customerId: base.customerId, facts: NO_FACTS, segments: [], asOf, reevaluateAt: null, erasedAt: asOf, ...mergedOf(base) };
  }
  if (envelope.type === CUSTOMER_MERGED) {
    const survivorId = (envelope.data as { survivorId?: unknown }).survivorId;
    return { ...base, asOf, segments: [], reevaluateAt: null, mergedInto: typeof survivorId === 'string' ? survivorId : base.customerId };
  }
  const facts = evolveCustomerFacts(base.facts, envelope, asOf);
  if (base.mergedInto !== undefined) return { ...base, facts, asOf };
  return { ...base, facts, asOf, ...judge(facts, context, asOf) };
}

const mergedOf = (state: CustomerSegments) => (state.mergedInto !== undefined ? { mergedInto: state.mergedInto } : {});

/**
 * Pure: the survivor of a merge takes in the merged customer's facts (one person, one set of facts)
 * and is judged on the combined facts at the later of the two clocks.
 */
export function absorbCustomerSegments(
  survivor: CustomerSegments | null,
  merged: CustomerSegments,
  survivorId: string,
  context: SegmentationContext,
): CustomerSegments {
  const base = survivor ?? newCustomerSegments(survivorId);
  if (base.erasedAt !== undefined) return base;
  const facts = combineCustomerFacts(base.facts, merged.facts);
  const asOf = Math.max(base.asOf, merged.asOf);
  if (base.mergedInto !== undefined) return { ...base, facts, asOf };
  return { ...base, facts, asOf, ...judge(facts, context, asOf) };
}

/**
 * Pure: the read model judged again at `now` without a new event — the sweep (time-based
 * conditions due, RFM thresholds moved) and the back-fill of a new or changed segment. With
 * `only`, just those segments are judged (a segment absent from the context is left); the time
 * of the next change then keeps the earlier estimate for the others.
 */
export function rejudgeCustomerSegments(state: CustomerSegments, context: SegmentationContext, now: number, only?: ReadonlySet<string>): CustomerSegments {
  if (state.erasedAt !== undefined || state.mergedInto !== undefined) return state;
  const asOf = Math.max(state.asOf, now);
  if (!only) return { ...state, asOf, ...judge(state.facts, context, asOf) };
  const judged = judge(state.facts, { ...context, segments: context.segments.filter((s) => only.has(s.id)) }, asOf);
  const kept = state.segments.filter((id) => !only.has(id));
  const previous = state.reevaluateAt !== null && state.reevaluateAt > asOf ? state.reevaluateAt : null;
  return { ...state, asOf, segments: [...kept, ...judged.segments].sort(), reevaluateAt: earliestOf([previous, judged.reevaluateAt]) };
}

/** A membership that began or ended, with the reason a marketer reads. */
export interface MembershipChange {
  readonly kind: 'entered' | 'exited';
  readonly customerId: string;
  readonly segmentId: string;
  readonly segmentName: string;
  readonly segmentVersion: number;
  readonly reason: string;
  /** When it was decided (epoch ms): the causing event's time or the sweep's. */
  readonly at: number;
}

/**
 * Pure: the memberships `after` began and ended compared with `before` — exits first, then
 * entries, each in segment id order. The reason is what decided: the conditions that hold for an
 * entry, those that fail for an exit, or the merge, erasure or deletion that ended it.
 */
export function membershipChanges(before: CustomerSegments | null, after: CustomerSegments, context: SegmentationContext): MembershipChange[] {
  const was = new Set(before?.segments ?? []);
  const is = new Set(after.segments);
  const byId = new Map(context.segments.map((s) => [s.id, s]));
  const deletedById = new Map((context.deleted ?? []).map((s) => [s.id, s]));
  const evaluation: EvaluationContext = { now: after.asOf, rfm: context.rfm };
  const changes: MembershipChange[] = [];
  for (const segmentId of [...was].filter((id) => !is.has(id)).sort()) {
    const segment = byId.get(segmentId);
    const reason =
      after.erasedAt !== undefined
        ? 'customer erased'
        : after.mergedInto !== undefined
          ? `merged into customer ${after.mergedInto}`
          : segment
            ? reasonOf(explainRule(segment.rule, after.facts, evaluation))
            : 'segment deleted';
    const named = segment ?? deletedById.get(segmentId);
    changes.push({ kind: 'exited', customerId: after.customerId, segmentId, segmentName: named?.name ?? segmentId, segmentVersion: named?.version ?? 0, reason, at: after.asOf });
  }
  for (const segmentId of [...is].filter((id) => !was.has(id)).sort()) {
    const segment = byId.get(segmentId);
    if (!segment) continue;
    const reason = reasonOf(explainRule(segment.rule, after.facts, evaluation));
    changes.push({ kind: 'entered', customerId: after.customerId, segmentId, segmentName: segment.name, segmentVersion: segment.version, reason, at: after.asOf });
  }
  return changes;
}
