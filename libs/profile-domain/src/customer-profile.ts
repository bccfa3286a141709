import {
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
