import { ACTIVITY_KEEP, BEHAVIOUR_ACTIONS, BEHAVIOUR_EVENT_TYPES, MAX_COUNT_THRESHOLD, MAX_WINDOW_DAYS, type BehaviourEventType } from '../facts/behaviour-events';
import { isPlainObject, Problems, type Parsed } from './parse-result';
import {
  CONSENT_CHANNEL_VALUES,
  CONSENT_PURPOSE_VALUES,
  fieldSpec,
  PREFERENCE_FIELD_PREFIX,
  RFM_DIMENSIONS,
  RULE_FIELDS,
  RULE_KINDS,
  type Comparison,
  type FieldSpec,
  type RfmDimension,
  type RuleKind,
  type ScalarValue,
  type SegmentRule,
} from './segment-rule';

/** Bounds that keep a rule cheap to judge for every customer on every event. */
export const RULE_LIMITS = { maxDepth: 8, maxConditions: 200, maxChildren: 50, maxListValues: 100, maxTextLength: 256 } as const;

const ORDER_OPERATORS = ['gt', 'gte', 'lt', 'lte'] as const;
const EQUALITY_OPERATORS = ['eq', 'neq'] as const;
const LIST_OPERATORS = ['in', 'nin'] as const;
const FIELD_OPERATORS = [...EQUALITY_OPERATORS, ...ORDER_OPERATORS, ...LIST_OPERATORS, 'exists'] as const;
const RFM_OPERATORS = [...EQUALITY_OPERATORS, ...ORDER_OPERATORS, ...LIST_OPERATORS] as const;
const COUNT_OPERATORS = [...EQUALITY_OPERATORS, ...ORDER_OPERATORS] as const;
type Operator = (typeof FIELD_OPERATORS)[number];

const BEHAVIOUR_TYPES: ReadonlySet<string> = new Set(BEHAVIOUR_EVENT_TYPES);
const TOUCHPOINT = 'crm.touchpoint.recorded';

/** Checks one value; returns a message when it is not acceptable. */
type ValueCheck = (value: unknown) => string | undefined;

interface Walk {
  readonly problems: Problems;
  nodes: number;
}

/**
 * Validates untrusted JSON as a segment rule. Every problem is reported with the JSON path of the
 * offending value (`rule.all[1].withinDays: must be a positive integer`); on success the rule is
 * returned with only the keys the language knows.
 */
export function parseSegmentRule(input: unknown, path = 'rule'): Parsed<SegmentRule> {
  const walk: Walk = { problems: new Problems(), nodes: 0 };
  const rule = parseNode(input, path, 1, walk);
  if (walk.nodes > RULE_LIMITS.maxConditions) walk.problems.add(path, `must have at most ${RULE_LIMITS.maxConditions} conditions (has ${walk.nodes})`);
  return rule !== undefined && walk.problems.empty ? { ok: true, value: rule } : { ok: false, errors: walk.problems.list() };
}

function parseNode(input: unknown, path: string, depth: number, walk: Walk): SegmentRule | undefined {
  const { problems } = walk;
  walk.nodes++;
  if (!isPlainObject(input)) {
    problems.add(path, `must be an object with one of: ${RULE_KINDS.join(', ')}`);
    return undefined;
  }
  const kinds = RULE_KINDS.filter((k) => Object.prototype.hasOwnProperty.call(input, k));
  if (kinds.length === 0) {
    problems.add(path, `must have one of: ${RULE_KINDS.join(', ')}`);
    return undefined;
  }
  if (kinds.length > 1) {
    problems.add(path, `must have only one of: ${RULE_KINDS.join(', ')} (found ${kinds.join(', ')})`);
    return undefined;
  }
  const kind = kinds[0];
  if (depth > RULE_LIMITS.maxDepth && (kind === 'all' || kind === 'any' || kind === 'not')) {
    problems.add(path, `must not nest deeper than ${RULE_LIMITS.maxDepth} levels`);
    return undefined;
  }
  rejectUnknownKeys(input, path, kind, problems);
  switch (kind) {
    case 'all':
    case 'any':
      return parseList(input[kind], `${path}.${kind}`, depth, walk, kind);
    case 'not': {
      const child = parseNode(input['not'], `${path}.not`, depth + 1, walk);
      return child && { not: child };
    }
    case 'field':
      return parseFieldCondition(input, path, problems);
    case 'event':
      return parseBehaviourCondition(input, path, problems);
    case 'rfm':
      return parseRfmCondition(input, path, problems);
    case 'consent':
      return parseConsentCondition(input['consent'], `${path}.consent`, problems);
  }
}

const KEYS_OF: Record<RuleKind, readonly string[]> = {
  all: ['all'],
  any: ['any'],
  not: ['not'],
  field: ['field', ...FIELD_OPERATORS],
  event: ['event', 'action', 'withinDays', 'count'],
  rfm: ['rfm', ...RFM_OPERATORS],
  consent: ['consent'],
};

function rejectUnknownKeys(input: Record<string, unknown>, path: string, kind: RuleKind, problems: Problems): void {
  const allowed = KEYS_OF[kind];
  for (const key of Object.keys(input)) {
    if (!allowed.includes(key)) problems.add(`${path}.${key}`, `is not part of ${article(kind)} "${kind}" rule; it takes: ${allowed.join(', ')}`);
  }
}

const article = (kind: RuleKind): string => (/^[aeiou]/.test(kind) ? 'an' : 'a');

function parseList(value: unknown, path: string, depth: number, walk: Walk, kind: 'all' | 'any'): SegmentRule | undefined {
  if (!Array.isArray(value) || value.length === 0) {
    walk.problems.add(path, 'must be a non-empty array of rules');
    return undefined;
  }
  if (value.length > RULE_LIMITS.maxChildren) {
    walk.problems.add(path, `must have at most ${RULE_LIMITS.maxChildren} rules`);
    return undefined;
  }
  const children = value.map((child, i) => parseNode(child, `${path}[${i}]`, depth + 1, walk));
  if (children.some((c) => c === undefined)) return undefined;
  return kind === 'all' ? { all: children as SegmentRule[] } : { any: children as SegmentRule[] };
}

function parseFieldCondition(input: Record<string, unknown>, path: string, problems: Problems): SegmentRule | undefined {
  const field = input['field'];
  if (typeof field !== 'string') {
    problems.add(`${path}.field`, 'must be a field name');
    return undefined;
  }
  const spec = fieldSpec(field);
  if (!spec) {
    const known = [...Object.keys(RULE_FIELDS), `${PREFERENCE_FIELD_PREFIX}<key>`].join(', ');
    problems.add(`${path}.field`, `unknown field "${field}"; rules can use: ${known}`);
    return undefined;
  }
  const operators = spec.type === 'number' ? FIELD_OPERATORS : ([...EQUALITY_OPERATORS, ...LIST_OPERATORS, 'exists'] as const);
  const comparison = parseComparison(input, path, operators, valueCheckOf(spec), problems, spec.type === 'string' ? 'a text field' : undefined);
  return comparison && { field, ...comparison };
}

function valueCheckOf(spec: FieldSpec): ValueCheck {
  if (spec.type === 'number') return (v) => (typeof v === 'number' && Number.isFinite(v) ? undefined : 'must be a number');
  return (v) => {
    if (typeof v !== 'string' || v.length === 0 || v.length > RULE_LIMITS.maxTextLength) return `must be a text of 1 to ${RULE_LIMITS.maxTextLength} characters`;
    if (spec.values && !spec.values.includes(v)) return `must be one of: ${spec.values.join(', ')}`;
    if (spec.pattern && !spec.pattern.test(v)) return `must be ${spec.hint ?? `of the form ${spec.pattern.source}`}`;
    return undefined;
  };
}

function parseComparison<T extends ScalarValue>(
  input: Record<string, unknown>,
  path: string,
  operators: readonly Operator[],
  check: ValueCheck,
  problems: Problems,
  unorderedKind?: string,
): Comparison<T> | undefined {
  const comparison: Record<string, unknown> = {};
  let ok = true;
  const fail = (at: string, message: string) => {
    problems.add(at, message);
    ok = false;
  };
  for (const op of FIELD_OPERATORS) {
    if (!Object.prototype.hasOwnProperty.call(input, op)) continue;
    const value = input[op];
    const at = `${path}.${op}`;
    if (!operators.includes(op)) {
      fail(at, unorderedKind ? `cannot compare ${unorderedKind} by order; use ${operators.join(', ')}` : `is not available here; use ${operators.join(', ')}`);
      continue;
    }
    if (op === 'exists') {
      if (typeof value !== 'boolean') fail(at, 'must be true or false');
      else comparison[op] = value;
    } else if (op === 'in' || op === 'nin') {
      if (!Array.isArray(value) || value.length === 0 || value.length > RULE_LIMITS.maxListValues) {
        fail(at, `must be a non-empty array of at most ${RULE_LIMITS.maxListValues} values`);
        continue;
      }
      value.forEach((v, i) => {
        const message = check(v);
        if (message) fail(`${at}[${i}]`, message);
      });
      comparison[op] = [...value];
    } else {
      const message = check(value);
      if (message) fail(at, message);
      else comparison[op] = value;
    }
  }
  if (Object.keys(comparison).length === 0 && ok) fail(path, `needs at least one operator: ${operators.join(', ')}`);
  return ok ? (comparison as Comparison<T>) : undefined;
}

function parseBehaviourCondition(input: Record<string, unknown>, path: string, problems: Problems): SegmentRule | undefined {
  let ok = true;
  const fail = (at: string, message: string) => {
    problems.add(at, message);
    ok = false;
  };
  const event = input['event'];
  if (typeof event !== 'string' || !BEHAVIOUR_TYPES.has(event)) fail(`${path}.event`, `must be one of: ${BEHAVIOUR_EVENT_TYPES.join(', ')}`);
  const action = input['action'];
  if (action !== undefined) {
    if (event !== TOUCHPOINT) fail(`${path}.action`, `only ${TOUCHPOINT} events have an action`);
    else if (typeof action !== 'string' || !BEHAVIOUR_ACTIONS.includes(action)) fail(`${path}.action`, `must be one of: ${BEHAVIOUR_ACTIONS.join(', ')}`);
  }
  const withinDays = input['withinDays'];
  if (!Number.isInteger(withinDays) || (withinDays as number) < 1) fail(`${path}.withinDays`, 'must be a positive integer');
  else if ((withinDays as number) > MAX_WINDOW_DAYS) fail(`${path}.withinDays`, `must be at most ${MAX_WINDOW_DAYS} (days of history kept)`);
  let count: Comparison<number> | undefined;
  if (input['count'] !== undefined) {
    if (!isPlainObject(input['count'])) fail(`${path}.count`, `must be an object such as { "gte": 2 }`);
    else {
      const known: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(input['count'])) {
        if ((COUNT_OPERATORS as readonly string[]).includes(key)) known[key] = value;
        else fail(`${path}.count.${key}`, `is not a count operator; use ${COUNT_OPERATORS.join(', ')}`);
      }
      const countCheck: ValueCheck = (v) =>
        Number.isInteger(v) && (v as number) >= 0 && (v as number) <= MAX_COUNT_THRESHOLD
          ? undefined
          : `must be an integer from 0 to ${MAX_COUNT_THRESHOLD} (the latest ${ACTIVITY_KEEP} events of each kind are kept)`;
      if (Object.keys(known).length > 0 || ok) {
        count = parseComparison<number>(known, `${path}.count`, COUNT_OPERATORS, countCheck, problems);
        if (!count) ok = false;
      }
    }
  }
  if (!ok) return undefined;
  return {
    event: event as BehaviourEventType,
    ...(action !== undefined ? { action: action as string } : {}),
    withinDays: withinDays as number,
    ...(count ? { count } : {}),
  };
}

function parseRfmCondition(input: Record<string, unknown>, path: string, problems: Problems): SegmentRule | undefined {
  const rfm = input['rfm'];
  const dimensionOk = typeof rfm === 'string' && (RFM_DIMENSIONS as readonly string[]).includes(rfm);
  if (!dimensionOk) problems.add(`${path}.rfm`, `must be one of: ${RFM_DIMENSIONS.join(', ')}`);
  const check: ValueCheck = (v) => (Number.isInteger(v) && (v as number) >= 1 && (v as number) <= 5 ? undefined : 'must be an integer from 1 to 5 (a quintile score)');
  const comparison = parseComparison<number>(input, path, RFM_OPERATORS, check, problems);
  return dimensionOk && comparison ? { rfm: rfm as RfmDimension, ...comparison } : undefined;
}

function parseConsentCondition(input: unknown, path: string, problems: Problems): SegmentRule | undefined {
  if (!isPlainObject(input)) {
    problems.add(path, 'must be an object { "channel", "purpose" }');
    return undefined;
  }
  let ok = true;
  for (const key of Object.keys(input)) {
    if (key !== 'channel' && key !== 'purpose') {
      problems.add(`${path}.${key}`, 'is not part of a consent; it takes: channel, purpose');
      ok = false;
    }
  }
  const { channel, purpose } = input;
  if (typeof channel !== 'string' || !CONSENT_CHANNEL_VALUES.includes(channel)) {
    problems.add(`${path}.channel`, `must be one of: ${CONSENT_CHANNEL_VALUES.join(', ')}`);
    ok = false;
  }
  if (typeof purpose !== 'string' || !CONSENT_PURPOSE_VALUES.includes(purpose)) {
    problems.add(`${path}.purpose`, `must be one of: ${CONSENT_PURPOSE_VALUES.join(', ')}`);
    ok = false;
  }
  return ok ? ({ consent: { channel, purpose } } as SegmentRule) : undefined;
}
