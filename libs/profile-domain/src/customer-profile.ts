import {
  CUSTOMER_MERGED,
  CUSTOMER_REGISTERED,
  ORDER_COMPLETED,
  PROFILE_UPDATED,
  type CustomerEvent,
  type EventEnvelope,
} from '@crm/contracts';

export type LifecycleStage = 'registered' | 'first-time-customer' | 'repeat-customer';

/** The customer 360 read model (the walking slice: identity, demographics, purchase stats). */
export interface CustomerProfile {
  customerId: string;
  email?: string;
  phone?: string;
  firstName?: string;
  lastName?: string;
  country?: string;
  birthDate?: string;
  preferences: Record<string, string>;
  registeredAt?: string;
  firstSeenAt: string;
  lastSeenAt: string;
  orders: number;
  /** Lifetime revenue per currency, integer minor units: currencies are never summed together. */
  revenueMinorByCurrency: Record<string, number>;
  lastOrderAt?: string;
  lifecycleStage: LifecycleStage;
  eventCount: number;
  /** Set by `crm.customer.merged`: this customer is the same person as `mergedInto` (the survivor). */
  mergedInto?: string;
}

const emptyProfile = (customerId: string, time: string): CustomerProfile => ({
  customerId,
  preferences: {},
  firstSeenAt: time,
  lastSeenAt: time,
  orders: 0,
  revenueMinorByCurrency: {},
  lifecycleStage: 'registered',
  eventCount: 0,
});

const laterOf = (a: string, b: string): string => (Date.parse(b) > Date.parse(a) ? b : a);
const earlierOf = (a: string, b: string): string => (Date.parse(b) < Date.parse(a) ? b : a);

/** Absent fields keep their value (and are not stored as nulls). */
const definedOnly = <T extends object>(fields: T): Partial<T> =>
  Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Partial<T>;

const stageFor = (orders: number): LifecycleStage =>
  orders === 0 ? 'registered' : orders === 1 ? 'first-time-customer' : 'repeat-customer';

/** Pure: the profile after one event. Unknown event types still count as a touch (last seen). */
export function evolveProfile(state: CustomerProfile | null, envelope: EventEnvelope): CustomerProfile {
  const base = state ?? emptyProfile(envelope.subject, envelope.time);
  const touched: CustomerProfile = {
    ...base,
    firstSeenAt: earlierOf(base.firstSeenAt, envelope.time),
    lastSeenAt: laterOf(base.lastSeenAt, envelope.time),
    eventCount: base.eventCount + 1,
  };
  const event = envelope as CustomerEvent;
  switch (event.type) {
    case CUSTOMER_MERGED:
      // Not the customer's own activity: everything is kept, the survivor is remembered.
      return { ...(state ?? emptyProfile(envelope.subject, envelope.time)), mergedInto: event.data.survivorId };
    case CUSTOMER_REGISTERED: {
      const { email, firstName, lastName, country, birthDate } = event.data;
      return { ...touched, ...definedOnly({ email, firstName, lastName, country, birthDate }), registeredAt: event.time };
    }
    case PROFILE_UPDATED: {
      // schema version 2: email and phone arrive inside `contact` (stored v1 events go through `upcast` first)
      const { preferences, contact, ...fields } = event.data;
      const contactFields = { email: contact?.email, phone: contact?.phone };
      return { ...touched, ...definedOnly({ ...fields, ...contactFields }), preferences: { ...touched.preferences, ...(preferences ?? {}) } };
    }
    case ORDER_COMPLETED: {
      const orders = touched.orders + 1;
      const { currency, totalMinor } = event.data;
      return {
        ...touched,
        orders,
        revenueMinorByCurrency: {
          ...touched.revenueMinorByCurrency,
          [currency]: (touched.revenueMinorByCurrency[currency] ?? 0) + totalMinor,
        },
        lastOrderAt: touched.lastOrderAt ? laterOf(touched.lastOrderAt, event.time) : event.time,
        lifecycleStage: stageFor(orders),
      };
    }
    default:
      return touched;
  }
}

/** A profile as served, with the ids of the customers merged into it (when any). */
export type CombinedProfile = CustomerProfile & { mergedFrom?: string[] };

/**
 * The survivor's profile with the lifetime figures of every customer merged into it: orders and
 * revenue summed (each event lives in exactly one stream, so nothing is counted twice), first and
 * last seen widened, the lifecycle stage recomputed, and details the survivor lacks filled from the
 * merged profiles (the survivor's own values win). Pure; computed at query time, so a replay or a
 * straggling event on a merged customer gives the same answer.
 */
export function combineMergedProfiles(survivor: CustomerProfile, merged: readonly CustomerProfile[]): CombinedProfile {
  if (merged.length === 0) return survivor;
  const ordered = [...merged].sort((a, b) => a.customerId.localeCompare(b.customerId));
  const revenue: Record<string, number> = { ...survivor.revenueMinorByCurrency };
  let orders = survivor.orders;
  let eventCount = survivor.eventCount;
  let firstSeenAt = survivor.firstSeenAt;
  let lastSeenAt = survivor.lastSeenAt;
  let lastOrderAt = survivor.lastOrderAt;
  let preferences: Record<string, string> = {};
  const details: Partial<CustomerProfile> = {};
  for (const m of ordered) {
    orders += m.orders;
    eventCount += m.eventCount;
    for (const [currency, amount] of Object.entries(m.revenueMinorByCurrency)) revenue[currency] = (revenue[currency] ?? 0) + amount;
    firstSeenAt = earlierOf(firstSeenAt, m.firstSeenAt);
    lastSeenAt = laterOf(lastSeenAt, m.lastSeenAt);
    if (m.lastOrderAt) lastOrderAt = lastOrderAt ? laterOf(lastOrderAt, m.lastOrderAt) : m.lastOrderAt;
    preferences = { ...preferences, ...m.preferences };
    for (const field of ['email', 'phone', 'firstName', 'lastName', 'country', 'birthDate', 'registeredAt'] as const) {
      if (details[field] === undefined && m[field] !== undefined) details[field] = m[field];
    }
  }
  return {
    ...definedOnly(details),
    ...survivor,
    preferences: { ...preferences, ...survivor.preferences },
    firstSeenAt,
    lastSeenAt,
    orders,
    revenueMinorByCurrency: revenue,
    ...(lastOrderAt ? { lastOrderAt } : {}),
    lifecycleStage: stageFor(orders),
    eventCount,
    mergedFrom: ordered.map((m) => m.customerId),
  };
}
