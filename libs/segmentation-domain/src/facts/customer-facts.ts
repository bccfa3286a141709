import {
  CONSENT_GRANTED,
  CONSENT_WITHDRAWN,
  CUSTOMER_REGISTERED,
  LIFECYCLE_STAGE_CHANGED,
  LIFECYCLE_STAGES,
  LOYALTY_TIER_DOWNGRADED,
  LOYALTY_TIER_UPGRADED,
  ORDER_COMPLETED,
  ORDER_REFUNDED,
  PROFILE_UPDATED,
  TOUCHPOINT_RECORDED,
  type EventEnvelope,
  type LifecycleStage,
} from '@crm/contracts';
import { ACTIVITY_KEEP, activityKey, BEHAVIOUR_EVENT_TYPES, DAY_MS, MAX_WINDOW_DAYS } from './behaviour-events';

/**
 * What segment rules look at for one customer: a compact summary evolved from the customer's own
 * events, the loyalty account's events and the lifecycle stage changes. Times are epoch
 * milliseconds. Nothing here is personal beyond what rules need (no names, no contact details).
 */
export interface CustomerFacts {
  readonly country?: string;
  readonly city?: string;
  readonly gender?: string;
  /** `YYYY-MM-DD`; rules see `age` in whole years at the time they are judged. */
  readonly birthDate?: string;
  readonly acquisitionChannel?: string;
  readonly lifecycleStage?: LifecycleStage;
  readonly loyaltyTier?: string;
  readonly loyaltyBalance?: number;
  readonly preferences?: Readonly<Record<string, string>>;
  /** Consents currently granted, as `channel:purpose`, sorted. */
  readonly consents?: readonly string[];
  /** Completed orders over the customer's life. */
  readonly orders: number;
  /** Completed order totals less refunds, in `spendCurrency` (the first order's); other currencies are not added. */
  readonly spendMinor: number;
  readonly spendCurrency?: string;
  readonly registeredAt?: number;
  readonly firstOrderAt?: number;
  readonly lastOrderAt?: number;
  /** Behavioural history: per `activityKey`, ascending times of the latest events (bounded, see behaviour-events). */
  readonly activity: Readonly<Record<string, readonly number[]>>;
}

export const NO_FACTS: CustomerFacts = { orders: 0, spendMinor: 0, activity: {} };

const BEHAVIOUR_TYPES: ReadonlySet<string> = new Set(BEHAVIOUR_EVENT_TYPES);
const STAGES: ReadonlySet<string> = new Set(LIFECYCLE_STAGES);

type Data = Record<string, unknown>;
const text = (data: Data, key: string): string | undefined => (typeof data[key] === 'string' && data[key] !== '' ? (data[key] as string) : undefined);
const num = (data: Data, key: string): number | undefined => (typeof data[key] === 'number' && Number.isFinite(data[key]) ? (data[key] as number) : undefined);

/**
 * Pure: facts after one event. `clock` is the customer's clock after it (the latest time seen),
 * against which old history is pruned. Events of no interest leave the facts as they are.
 */
export function evolveCustomerFacts(facts: CustomerFacts, envelope: EventEnvelope, clock: number): CustomerFacts {
  const data = (envelope.data ?? {}) as Data;
  const at = Date.parse(envelope.time);
  let next = applyEvent(facts, envelope.type, data, at);
  if (BEHAVIOUR_TYPES.has(envelope.type) && Number.isFinite(at)) {
    next = recordActivity(next, activityKey(envelope.type), at, clock);
    const action = envelope.type === TOUCHPOINT_RECORDED ? text(data, 'action') : undefined;
    if (action) next = recordActivity(next, activityKey(envelope.type, action), at, clock);
  }
  return next;
}

function applyEvent(facts: CustomerFacts, type: string, data: Data, at: number): CustomerFacts {
  switch (type) {
    case CUSTOMER_REGISTERED:
      return {
        ...facts,
        ...definedOnly({
          country: text(data, 'country') ?? facts.country,
          birthDate: text(data, 'birthDate')?.slice(0, 10) ?? facts.birthDate,
          acquisitionChannel: text(data, 'acquisitionChannel') ?? facts.acquisitionChannel,
          // Read when present: the catalogue may carry them; absent fields keep what is known.
          city: text(data, 'city') ?? facts.city,
          gender: text(data, 'gender') ?? facts.gender,
          registeredAt: Number.isFinite(at) ? Math.min(at, facts.registeredAt ?? at) : facts.registeredAt,
        }),
      };
    case PROFILE_UPDATED: {
      const preferences = data['preferences'];
      return {
        ...facts,
        ...definedOnly({
          country: text(data, 'country') ?? facts.country,
          city: text(data, 'city') ?? facts.city,
          gender: text(data, 'gender') ?? facts.gender,
          birthDate: text(data, 'birthDate')?.slice(0, 10) ?? facts.birthDate,
          preferences:
            typeof preferences === 'object' && preferences !== null
              ? sortedRecord({ ...facts.preferences, ...stringEntries(preferences as Data) })
              : facts.preferences,
        }),
      };
    }
    case CONSENT_GRANTED:
    case CONSENT_WITHDRAWN: {
      const channel = text(data, 'channel');
      const purpose = text(data, 'purpose');
      if (!channel || !purpose) return facts;
      const key = `${channel}:${purpose}`;
      const others = (facts.consents ?? []).filter((c) => c !== key);
      return { ...facts, consents: type === CONSENT_GRANTED ? [...others, key].sort() : others };
    }
    case ORDER_COMPLETED: {
      const total = num(data, 'totalMinor') ?? 0;
      const currency = facts.spendCurrency ?? text(data, 'currency');
      const spend = text(data, 'currency') === currency ? total : 0;
      return {
        ...facts,
        orders: facts.orders + 1,
        spendMinor: facts.spendMinor + spend,
        ...definedOnly({
          spendCurrency: currency,
          firstOrderAt: Number.isFinite(at) ? Math.min(at, facts.firstOrderAt ?? at) : facts.firstOrderAt,
          lastOrderAt: Number.isFinite(at) ? Math.max(at, facts.lastOrderAt ?? at) : facts.lastOrderAt,
        }),
      };
    }
    case ORDER_REFUNDED: {
      const amount = num(data, 'amountMinor') ?? 0;
      if (text(data, 'currency') !== facts.spendCurrency) return facts;
      return { ...facts, spendMinor: Math.max(0, facts.spendMinor - amount) };
    }
    case LOYALTY_TIER_UPGRADED:
    case LOYALTY_TIER_DOWNGRADED: {
      const tier = text(data, 'to');
      return tier ? { ...facts, loyaltyTier: tier } : facts;
    }
    case LIFECYCLE_STAGE_CHANGED: {
      const stage = text(data, 'to');
      return stage && STAGES.has(stage) ? { ...facts, lifecycleStage: stage as LifecycleStage } : facts;
    }
    default: {
      // Every loyalty event that moves points carries the balance after it.
      const balance = type.startsWith('crm.loyalty.') ? num(data, 'balance') : undefined;
      return balance === undefined ? facts : { ...facts, loyaltyBalance: balance };
    }
  }
}

/** Adds one event time to a kind's history and prunes the history to its bounds. */
function recordActivity(facts: CustomerFacts, key: string, at: number, clock: number): CustomerFacts {
  const horizon = clock - MAX_WINDOW_DAYS * DAY_MS;
  const activity: Record<string, readonly number[]> = {};
  for (const [k, times] of Object.entries(facts.activity)) {
    const kept = times.filter((t) => t >= horizon);
    if (kept.length > 0) activity[k] = kept;
  }
  if (at >= horizon) activity[key] = insertBounded(activity[key] ?? [], at);
  return { ...facts, activity: sortedRecord(activity) };
}

function insertBounded(times: readonly number[], at: number): number[] {
  const next = [...times];
  let i = next.length;
  while (i > 0 && next[i - 1] > at) i--;
  next.splice(i, 0, at);
  return next.length > ACTIVITY_KEEP ? next.slice(next.length - ACTIVITY_KEEP) : next;
}

/**
 * Pure: one person's facts when two customers turn out to be one. The survivor's profile values
 * win where it has them; counts and money add up (same currency only); histories interleave.
 * Consents granted under either id are kept: they were given by the same person.
 */
export function combineCustomerFacts(survivor: CustomerFacts, merged: CustomerFacts): CustomerFacts {
  const currency = survivor.spendCurrency ?? merged.spendCurrency;
  const activity: Record<string, readonly number[]> = { ...survivor.activity };
  for (const [key, times] of Object.entries(merged.activity)) {
    const all = [...(activity[key] ?? []), ...times].sort((a, b) => a - b);
    activity[key] = all.length > ACTIVITY_KEEP ? all.slice(all.length - ACTIVITY_KEEP) : all;
  }
  const consents = [...new Set([...(survivor.consents ?? []), ...(merged.consents ?? [])])].sort();
  return definedOnly({
    country: survivor.country ?? merged.country,
    city: survivor.city ?? merged.city,
    gender: survivor.gender ?? merged.gender,
    birthDate: survivor.birthDate ?? merged.birthDate,
    acquisitionChannel: survivor.acquisitionChannel ?? merged.acquisitionChannel,
    lifecycleStage: survivor.lifecycleStage ?? merged.lifecycleStage,
    loyaltyTier: survivor.loyaltyTier ?? merged.loyaltyTier,
    loyaltyBalance: survivor.loyaltyBalance ?? merged.loyaltyBalance,
    preferences: survivor.preferences || merged.preferences ? sortedRecord({ ...merged.preferences, ...survivor.preferences }) : undefined,
    consents: consents.length > 0 ? consents : undefined,
    orders: survivor.orders + merged.orders,
    spendMinor: survivor.spendMinor + (merged.spendCurrency === currency ? merged.spendMinor : 0),
    spendCurrency: currency,
    registeredAt: earliest(survivor.registeredAt, merged.registeredAt),
    firstOrderAt: earliest(survivor.firstOrderAt, merged.firstOrderAt),
    lastOrderAt: latest(survivor.lastOrderAt, merged.lastOrderAt),
    activity: sortedRecord(activity),
  }) as unknown as CustomerFacts;
}

/** Whole years between `birthDate` (`YYYY-MM-DD`) and `at`, in UTC; undefined for an unreadable date. */
export function ageAt(birthDate: string, at: number): number | undefined {
  const born = parseBirthDate(birthDate);
  if (!born) return undefined;
  const now = new Date(at);
  const years = now.getUTCFullYear() - born.year;
  const hadBirthday = now.getUTCMonth() > born.month || (now.getUTCMonth() === born.month && now.getUTCDate() >= born.day);
  return hadBirthday ? years : years - 1;
}

/** The instant the customer turns `age` (UTC midnight; 29 February falls on 1 March in other years). */
export function birthdayAt(birthDate: string, age: number): number | undefined {
  const born = parseBirthDate(birthDate);
  return born ? Date.UTC(born.year + age, born.month, born.day) : undefined;
}

function parseBirthDate(birthDate: string): { year: number; month: number; day: number } | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(birthDate);
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]) - 1, Number(m[3])];
  return month >= 0 && month < 12 && day >= 1 && day <= 31 ? { year, month, day } : undefined;
}

const earliest = (a?: number, b?: number): number | undefined => (a === undefined ? b : b === undefined ? a : Math.min(a, b));
const latest = (a?: number, b?: number): number | undefined => (a === undefined ? b : b === undefined ? a : Math.max(a, b));

function stringEntries(record: Data): Record<string, string> {
  return Object.fromEntries(Object.entries(record).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

/** Keys in a fixed order, so equal facts serialise identically (replays compare byte for byte). */
function sortedRecord<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function definedOnly<T extends object>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== undefined)) as Partial<T>;
}
