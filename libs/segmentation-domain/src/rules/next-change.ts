import { DAY_MS } from '../facts/behaviour-events';
import { ageAt, birthdayAt, type CustomerFacts } from '../facts/customer-facts';
import { compare, DEFAULT_COUNT, matchesRule, timesInWindow, type EvaluationContext } from './evaluate-segment-rule';
import type { BehaviourCondition, FieldCondition, SegmentRule } from './segment-rule';

/** Longest age step looked at when searching the birthday that changes an age condition. */
const MAX_AGE_STEPS = 130;

/**
 * The earliest instant after `now` at which the passing of time alone can change the rule's
 * outcome, or null when it cannot (no new event assumed). The sweep re-judges a customer only once
 * this instant has passed, and a customer with null costs the sweep nothing. Never late; early
 * only where a composite is judged conservatively:
 *
 *   - a window count changes when the event whose departure flips the comparison leaves the window
 *     (`≥ 2 in 90 days` with one event in it never asks: counts only fall with time);
 *   - an age condition changes on the birthday that flips it;
 *   - `all` that fails stays failed while one failing part cannot change (a country, a consent);
 *     `any` that holds stays held while one holding part cannot change; otherwise the earliest
 *     change of any part;
 *   - RFM scores change only when thresholds are recomputed, which re-judges RFM segments anyway.
 */
export function nextChangeAt(rule: SegmentRule, facts: CustomerFacts, context: EvaluationContext): number | null {
  return judgeOverTime(rule, facts, context).changeAt;
}

interface OverTime {
  readonly holds: boolean;
  readonly changeAt: number | null;
}

function judgeOverTime(rule: SegmentRule, facts: CustomerFacts, context: EvaluationContext): OverTime {
  const { now } = context;
  if ('all' in rule || 'any' in rule) {
    const isAll = 'all' in rule;
    const parts = (isAll ? (rule as { all: readonly SegmentRule[] }).all : (rule as { any: readonly SegmentRule[] }).any).map((r) => judgeOverTime(r, facts, context));
    const holds = isAll ? parts.every((p) => p.holds) : parts.some((p) => p.holds);
    // the parts that decide the outcome: failing ones keep an `all` failed, holding ones keep an `any` held
    const deciding = parts.filter((p) => p.holds === !isAll);
    const settled = isAll ? !holds && deciding.some((p) => p.changeAt === null) : holds && deciding.some((p) => p.changeAt === null);
    return { holds, changeAt: settled ? null : earliestOf(parts.map((p) => p.changeAt)) };
  }
  if ('not' in rule) {
    const inner = judgeOverTime(rule.not, facts, context);
    return { holds: !inner.holds, changeAt: inner.changeAt };
  }
  const holds = matchesRule(rule, facts, context);
  if ('event' in rule) return { holds, changeAt: behaviourChangeAt(rule, facts, now) };
  if ('field' in rule && rule.field === 'age') return { holds, changeAt: ageChangeAt(rule, facts, now) };
  return { holds, changeAt: null };
}

function behaviourChangeAt(rule: BehaviourCondition, facts: CustomerFacts, now: number): number | null {
  const window = rule.withinDays * DAY_MS;
  const times = timesInWindow(rule, facts, now);
  const comparison = rule.count ?? DEFAULT_COUNT;
  const today = compare(times.length, comparison);
  // times ascending: the i-th oldest leaves the window 1 ms after t + window.
  for (let i = 0; i < times.length; i++) {
    if (compare(times.length - (i + 1), comparison) !== today) return Math.max(times[i] + window + 1, now + 1);
  }
  return null;
}

function ageChangeAt(rule: FieldCondition, facts: CustomerFacts, now: number): number | null {
  if (!facts.birthDate) return null;
  const age = ageAt(facts.birthDate, now);
  if (age === undefined) return null;
  const today = compare(age, rule);
  for (let step = 1; step <= MAX_AGE_STEPS; step++) {
    if (compare(age + step, rule) !== today) return birthdayAt(facts.birthDate, age + step) ?? null;
  }
  return null;
}

export function earliestOf(values: readonly (number | null)[]): number | null {
  let earliest: number | null = null;
  for (const v of values) if (v !== null && (earliest === null || v < earliest)) earliest = v;
  return earliest;
}
