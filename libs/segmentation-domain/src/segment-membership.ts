import { CUSTOMER_MERGED, CUSTOMER_REGISTERED, ORDER_COMPLETED, PROFILE_UPDATED, type CustomerEvent, type EventEnvelope } from '@crm/contracts';
import { segmentsOf, type SegmentDefinition, type SegmentFacts } from './segment-rules';

/** Per-customer membership document: the facts and the segments they put the customer in. */
export interface CustomerSegments extends SegmentFacts {
  segments: string[];
  spendCurrency?: string;
  /** Set once this customer was merged into another: it belongs to no segment any more. */
  mergedInto?: string;
}

function evolveFacts(state: CustomerSegments, event: CustomerEvent): CustomerSegments {
  switch (event.type) {
    case CUSTOMER_REGISTERED:
      return { ...state, country: event.data.country ?? state.country, registeredAt: event.time };
    case PROFILE_UPDATED:
      return { ...state, country: event.data.country ?? state.country };
    case ORDER_COMPLETED: {
      const currency = state.spendCurrency ?? event.data.currency;
      const spend = event.data.currency === currency ? event.data.totalMinor : 0;
      return { ...state, orders: state.orders + 1, spendMinor: state.spendMinor + spend, spendCurrency: currency, lastOrderAt: event.time };
    }
    default:
      return state;
  }
}

/** Pure: facts after one event, with memberships re-evaluated for this customer only. */
export function evolveCustomerSegments(
  state: CustomerSegments | null,
  envelope: EventEnvelope,
  segments: readonly SegmentDefinition[],
): CustomerSegments {
  const base: CustomerSegments = state ?? { customerId: envelope.subject, orders: 0, spendMinor: 0, segments: [] };
  const event = envelope as CustomerEvent;
  if (event.type === CUSTOMER_MERGED) return { ...base, mergedInto: event.data.survivorId, segments: [] };
  const facts = evolveFacts(base, event);
  return { ...facts, segments: base.mergedInto ? [] : segmentsOf(facts, segments) };
}

/**
 * Pure: the survivor of a merge takes in the merged customer's facts (one person, one set of
 * facts), and its memberships are evaluated on the combined facts.
 */
export function absorbCustomerSegments(
  survivor: CustomerSegments | null,
  merged: CustomerSegments,
  survivorId: string,
  segments: readonly SegmentDefinition[],
): CustomerSegments {
  const base: CustomerSegments = survivor ?? { customerId: survivorId, orders: 0, spendMinor: 0, segments: [] };
  const currency = base.spendCurrency ?? merged.spendCurrency;
  const facts: CustomerSegments = {
    ...base,
    country: base.country ?? merged.country,
    orders: base.orders + merged.orders,
    spendMinor: base.spendMinor + (merged.spendCurrency === currency ? merged.spendMinor : 0),
    ...(currency ? { spendCurrency: currency } : {}),
    registeredAt: earliest(base.registeredAt, merged.registeredAt),
    lastOrderAt: latest(base.lastOrderAt, merged.lastOrderAt),
  };
  return { ...facts, segments: facts.mergedInto ? [] : segmentsOf(facts, segments) };
}

const earliest = (a?: string, b?: string): string | undefined => (!a ? b : !b ? a : Date.parse(a) <= Date.parse(b) ? a : b);
const latest = (a?: string, b?: string): string | undefined => (!a ? b : !b ? a : Date.parse(a) >= Date.parse(b) ? a : b);
