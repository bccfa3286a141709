import { activityKey, DAY_MS } from '../facts/behaviour-events';
import { ageAt, type CustomerFacts } from '../facts/customer-facts';
import { rfmScores, type RfmThresholds } from '../rfm/rfm-scores';
import {
  PREFERENCE_FIELD_PREFIX,
  ruleKind,
  type BehaviourCondition,
  type Comparison,
  type ConsentCondition,
  type FieldCondition,
  type RfmCondition,
  type RuleKind,
  type ScalarValue,
  type SegmentRule,
} from './segment-rule';

/** What a rule is judged against besides the customer's facts. */
export interface EvaluationContext {
  /** The time of judgement (epoch ms): windows and age are measured back from it. */
  readonly now: number;
  readonly rfm: RfmThresholds | null;
}

/** Why a rule holds or not, node by node: the "why is this customer in/out" answer. */
export interface Explanation {
  readonly kind: RuleKind;
  readonly holds: boolean;
  /** A sentence a marketer reads: the value found and what the condition needs. */
  readonly text: string;
  /** The value the condition looked at (null when unknown). */
  readonly actual?: ScalarValue | boolean | null;
  readonly children?: readonly Explanation[];
}

/** Whether the rule holds; the same judgement as `explainRule`, without building sentences (it runs per customer per segment). */
export function matchesRule(rule: SegmentRule, facts: CustomerFacts, context: EvaluationContext): boolean {
  if ('all' in rule) return rule.all.every((r) => matchesRule(r, facts, context));
  if ('any' in rule) return rule.any.some((r) => matchesRule(r, facts, context));
  if ('not' in rule) return !matchesRule(rule.not, facts, context);
  if ('field' in rule) return compare(fieldValue(facts, rule.field, context.now), rule);
  if ('event' in rule) return compare(countInWindow(rule, facts, context.now), rule.count ?? DEFAULT_COUNT);
  if ('rfm' in rule) {
    const score = rfmScores(facts, context.rfm)?.[rule.rfm];
    return score !== undefined && compare(score, rule);
  }
  return (facts.consents ?? []).includes(`${rule.consent.channel}:${rule.consent.purpose}`);
}

/** Judges the rule and says why. Unknown facts satisfy only `neq`, `nin` and `exists: false`. */
export function explainRule(rule: SegmentRule, facts: CustomerFacts, context: EvaluationContext): Explanation {
  const kind = ruleKind(rule);
  switch (kind) {
    case 'all': {
      const children = (rule as { all: readonly SegmentRule[] }).all.map((r) => explainRule(r, facts, context));
      const held = children.filter((c) => c.holds).length;
      const holds = held === children.length;
      return { kind, holds, text: holds ? `all ${children.length} conditions hold` : `${held} of ${children.length} conditions hold (all needed)`, children };
    }
    case 'any': {
      const children = (rule as { any: readonly SegmentRule[] }).any.map((r) => explainRule(r, facts, context));
      const held = children.filter((c) => c.holds).length;
      return { kind, holds: held > 0, text: held > 0 ? `${held} of ${children.length} alternatives hold` : `none of ${children.length} alternatives holds (one needed)`, children };
    }
    case 'not': {
      const child = explainRule((rule as { not: SegmentRule }).not, facts, context);
      return { kind, holds: !child.holds, text: child.holds ? 'the negated condition holds' : 'the negated condition does not hold', children: [child] };
    }
    case 'field':
      return explainField(rule as FieldCondition, facts, context);
    case 'event':
      return explainBehaviour(rule as BehaviourCondition, facts, context);
    case 'rfm':
      return explainRfm(rule as RfmCondition, facts, context);
    case 'consent':
      return explainConsent(rule as ConsentCondition, facts);
  }
}

/** The value of a field as rules see it at `now`. */
export function fieldValue(facts: CustomerFacts, field: string, now: number): ScalarValue | undefined {
  if (field.startsWith(PREFERENCE_FIELD_PREFIX)) return facts.preferences?.[field.slice(PREFERENCE_FIELD_PREFIX.length)];
  if (field === 'age') return facts.birthDate ? ageAt(facts.birthDate, now) : undefined;
  const value = (facts as unknown as Record<string, unknown>)[field];
  return typeof value === 'string' || typeof value === 'number' ? value : undefined;
}

function explainField(rule: FieldCondition, facts: CustomerFacts, context: EvaluationContext): Explanation {
  const actual = fieldValue(facts, rule.field, context.now);
  const holds = compare(actual, rule);
  const found = actual === undefined ? 'is unknown' : `is ${show(actual)}`;
  return { kind: 'field', holds, text: `${rule.field} ${found} (needs ${describeComparison(rule)})`, actual: actual ?? null };
}

/** Events of the condition's kind at most `withinDays` before `now` (and not after it). */
export function countInWindow(rule: BehaviourCondition, facts: CustomerFacts, now: number): number {
  return timesInWindow(rule, facts, now).length;
}

export function timesInWindow(rule: BehaviourCondition, facts: CustomerFacts, now: number): number[] {
  const times = facts.activity[activityKey(rule.event, rule.action)] ?? [];
  const from = now - rule.withinDays * DAY_MS;
  return times.filter((t) => t >= from && t <= now);
}

export const DEFAULT_COUNT = { gte: 1 } as const;

function explainBehaviour(rule: BehaviourCondition, facts: CustomerFacts, context: EvaluationContext): Explanation {
  const count = countInWindow(rule, facts, context.now);
  const comparison = rule.count ?? DEFAULT_COUNT;
  const holds = compare(count, comparison);
  const what = rule.action ? `${rule.event} (${rule.action})` : rule.event;
  return { kind: 'event', holds, text: `${count} × ${what} in the last ${rule.withinDays} days (needs ${describeComparison(comparison)})`, actual: count };
}

function explainRfm(rule: RfmCondition, facts: CustomerFacts, context: EvaluationContext): Explanation {
  const needs = describeComparison(rule);
  if (!context.rfm) return { kind: 'rfm', holds: false, text: `RFM scores are not computed yet (needs ${rule.rfm} ${needs})`, actual: null };
  const scores = rfmScores(facts, context.rfm);
  if (!scores) return { kind: 'rfm', holds: false, text: `no RFM score without a completed order (needs ${rule.rfm} ${needs})`, actual: null };
  const score = scores[rule.rfm];
  return { kind: 'rfm', holds: compare(score, rule), text: `RFM ${rule.rfm} score is ${score} (needs ${needs})`, actual: score };
}

function explainConsent(rule: ConsentCondition, facts: CustomerFacts): Explanation {
  const { channel, purpose } = rule.consent;
  const holds = (facts.consents ?? []).includes(`${channel}:${purpose}`);
  return { kind: 'consent', holds, text: holds ? `consent to ${channel} for ${purpose} is granted` : `no consent to ${channel} for ${purpose}`, actual: holds };
}

/** True when every operator of the comparison holds for the value. */
export function compare(actual: ScalarValue | undefined, comparison: Comparison<ScalarValue>): boolean {
  const c = comparison;
  if (c.exists !== undefined && c.exists !== (actual !== undefined)) return false;
  if (actual === undefined) {
    // Unknown is not equal to anything and not inside any list; it is also not ordered.
    return c.eq === undefined && c.gt === undefined && c.gte === undefined && c.lt === undefined && c.lte === undefined && c.in === undefined;
  }
  if (c.eq !== undefined && actual !== c.eq) return false;
  if (c.neq !== undefined && actual === c.neq) return false;
  if (c.in !== undefined && !c.in.includes(actual)) return false;
  if (c.nin !== undefined && c.nin.includes(actual)) return false;
  if (c.gt !== undefined && !(actual > c.gt)) return false;
  if (c.gte !== undefined && !(actual >= c.gte)) return false;
  if (c.lt !== undefined && !(actual < c.lt)) return false;
  if (c.lte !== undefined && !(actual <= c.lte)) return false;
  return true;
}

const SYMBOLS: Record<string, string> = { eq: '=', neq: '≠', gt: '>', gte: '≥', lt: '<', lte: '≤' };

/** `≥ 2 and < 5`, `one of DE, AT`, `known`. */
export function describeComparison(comparison: Comparison<ScalarValue>): string {
  const parts: string[] = [];
  for (const op of ['eq', 'neq', 'gt', 'gte', 'lt', 'lte'] as const) {
    const v = comparison[op];
    if (v !== undefined) parts.push(`${SYMBOLS[op]} ${show(v)}`);
  }
  if (comparison.in) parts.push(`one of ${comparison.in.map(show).join(', ')}`);
  if (comparison.nin) parts.push(`none of ${comparison.nin.map(show).join(', ')}`);
  if (comparison.exists !== undefined) parts.push(comparison.exists ? 'known' : 'unknown');
  return parts.join(' and ');
}

const show = (v: ScalarValue): string => String(v);

/**
 * The conditions that decided the outcome, as sentences: for a customer who is in, the conditions
 * that hold (of an `any`, the first that holds); for one who is out, those that fail.
 */
export function decisiveReasons(explanation: Explanation): string[] {
  const children = explanation.children;
  if (!children) return [explanation.text];
  switch (explanation.kind) {
    case 'all':
      return (explanation.holds ? children : children.filter((c) => !c.holds)).flatMap(decisiveReasons);
    case 'any': {
      const first = children.find((c) => c.holds);
      return first ? decisiveReasons(first) : children.flatMap(decisiveReasons);
    }
    default:
      // `not`: the child's own reasons say why it failed (so the negation holds) or held.
      return children.flatMap(decisiveReasons);
  }
}

const MAX_REASON_LENGTH = 1_000;

/** One line for a membership event: the decisive conditions, joined. */
export function reasonOf(explanation: Explanation): string {
  const text = decisiveReasons(explanation).join('; ');
  return text.length > MAX_REASON_LENGTH ? `${text.slice(0, MAX_REASON_LENGTH - 1)}…` : text;
}
