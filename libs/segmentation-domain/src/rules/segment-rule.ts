import { CONSENT_CHANNELS, CONSENT_PURPOSES, LIFECYCLE_STAGES, type ConsentChannel, type ConsentPurpose } from '@crm/contracts';
import type { BehaviourEventType } from '../facts/behaviour-events';

/**
 * The segment rule language: JSON, so definitions are data (stored, versioned, sent over HTTP).
 *
 *   { "all": [ ... ] }   { "any": [ ... ] }   { "not": { ... } }
 *   { "field": "country", "in": ["DE", "AT"] }             profile facts, see RULE_FIELDS
 *   { "field": "preferences.newsletter", "eq": "weekly" }
 *   { "event": "crm.order.completed", "withinDays": 90, "count": { "gte": 2 } }
 *   { "event": "crm.touchpoint.recorded", "action": "email_opened", "withinDays": 30 }
 *   { "event": "crm.order.completed", "withinDays": 120, "count": { "eq": 0 } }   no purchase for 120 days
 *   { "rfm": "recency", "gte": 4 }                          quintile scores 1–5 over the customer base
 *   { "consent": { "channel": "email", "purpose": "marketing" } }
 *
 * A condition with several operators needs all of them (`{ "field": "age", "gte": 18, "lt": 30 }`).
 */
export type SegmentRule = AllRule | AnyRule | NotRule | FieldCondition | BehaviourCondition | RfmCondition | ConsentCondition;

export interface AllRule {
  readonly all: readonly SegmentRule[];
}
export interface AnyRule {
  readonly any: readonly SegmentRule[];
}
export interface NotRule {
  readonly not: SegmentRule;
}

export type ScalarValue = string | number;

/** Operators of a comparison; `in`/`nin` take lists, `exists` a boolean. */
export interface Comparison<T extends ScalarValue> {
  readonly eq?: T;
  readonly neq?: T;
  readonly gt?: T;
  readonly gte?: T;
  readonly lt?: T;
  readonly lte?: T;
  readonly in?: readonly T[];
  readonly nin?: readonly T[];
  readonly exists?: boolean;
}

export interface FieldCondition extends Comparison<ScalarValue> {
  /** A name of RULE_FIELDS, or `preferences.<key>`. */
  readonly field: string;
}

export type CountComparison = Pick<Comparison<number>, 'eq' | 'neq' | 'gt' | 'gte' | 'lt' | 'lte'>;

export interface BehaviourCondition {
  readonly event: BehaviourEventType;
  /** Only for `crm.touchpoint.recorded`: one action such as `email_opened`. */
  readonly action?: string;
  /** The window: events at most this many days before the time of judgement. */
  readonly withinDays: number;
  /** How many events in the window; default `{ "gte": 1 }` (at least one). */
  readonly count?: CountComparison;
}

export const RFM_DIMENSIONS = ['recency', 'frequency', 'monetary'] as const;
export type RfmDimension = (typeof RFM_DIMENSIONS)[number];

export interface RfmCondition extends Omit<Comparison<number>, 'exists'> {
  readonly rfm: RfmDimension;
}

export interface ConsentCondition {
  /** Holds while the customer's consent for this channel and purpose is granted. */
  readonly consent: { readonly channel: ConsentChannel; readonly purpose: ConsentPurpose };
}

export type RuleKind = 'all' | 'any' | 'not' | 'field' | 'event' | 'rfm' | 'consent';
export const RULE_KINDS: readonly RuleKind[] = ['all', 'any', 'not', 'field', 'event', 'rfm', 'consent'];

export function ruleKind(rule: SegmentRule): RuleKind {
  if ('all' in rule) return 'all';
  if ('any' in rule) return 'any';
  if ('not' in rule) return 'not';
  if ('field' in rule) return 'field';
  if ('event' in rule) return 'event';
  if ('rfm' in rule) return 'rfm';
  return 'consent';
}

export type FieldType = 'string' | 'number';

export interface FieldSpec {
  readonly type: FieldType;
  /** Allowed values (an enumeration). */
  readonly values?: readonly string[];
  readonly pattern?: RegExp;
  /** How to write a valid value, for error messages. */
  readonly hint?: string;
  /** Changes with the passing of time alone (age): the sweep re-judges it. */
  readonly timeBased?: boolean;
}

/** Profile facts a field condition may look at. */
export const RULE_FIELDS: Readonly<Record<string, FieldSpec>> = {
  country: { type: 'string', pattern: /^[A-Z]{2}$/, hint: 'an ISO 3166 alpha-2 code such as "DE"' },
  city: { type: 'string' },
  gender: { type: 'string' },
  age: { type: 'number', timeBased: true },
  acquisitionChannel: { type: 'string' },
  lifecycleStage: { type: 'string', values: LIFECYCLE_STAGES },
  loyaltyTier: { type: 'string' },
  loyaltyBalance: { type: 'number' },
  orders: { type: 'number' },
  spendMinor: { type: 'number' },
  spendCurrency: { type: 'string', pattern: /^[A-Z]{3}$/, hint: 'an ISO 4217 code such as "EUR"' },
};

export const PREFERENCE_FIELD_PREFIX = 'preferences.';
export const PREFERENCE_KEY = /^[A-Za-z0-9_.:-]{1,64}$/;

/** The spec of a field name, or undefined when rules cannot use it. */
export function fieldSpec(field: string): FieldSpec | undefined {
  if (field.startsWith(PREFERENCE_FIELD_PREFIX)) {
    return PREFERENCE_KEY.test(field.slice(PREFERENCE_FIELD_PREFIX.length)) ? { type: 'string' } : undefined;
  }
  return Object.prototype.hasOwnProperty.call(RULE_FIELDS, field) ? RULE_FIELDS[field] : undefined;
}

export const CONSENT_CHANNEL_VALUES: readonly string[] = CONSENT_CHANNELS;
export const CONSENT_PURPOSE_VALUES: readonly string[] = CONSENT_PURPOSES;

/** Every node of a rule, depth first. */
export function* ruleNodes(rule: SegmentRule): Generator<SegmentRule> {
  yield rule;
  if ('all' in rule) for (const child of rule.all) yield* ruleNodes(child);
  else if ('any' in rule) for (const child of rule.any) yield* ruleNodes(child);
  else if ('not' in rule) yield* ruleNodes(rule.not);
}

/** True when the rule reads RFM scores (their thresholds move with the customer base). */
export const usesRfm = (rule: SegmentRule): boolean => [...ruleNodes(rule)].some((n) => 'rfm' in n);

/** True when the passing of time alone can change the rule's outcome (windows, age). */
export const isTimeBased = (rule: SegmentRule): boolean =>
  [...ruleNodes(rule)].some((n) => 'event' in n || ('field' in n && fieldSpec(n.field)?.timeBased === true));
