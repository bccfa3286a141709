import { CUSTOMER_REGISTERED, ORDER_COMPLETED, PROFILE_UPDATED, type CustomerEvent, type EventEnvelope } from '@crm/contracts';
import { segmentsOf, type SegmentDefinition, type SegmentFacts } from './segment-rules';

/** Per-customer membership document: the facts and the segments they put the customer in. */
export interface CustomerSegments extends SegmentFacts {
  segments: string[];
  spendCurrency?: string;
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
  const facts = evolveFacts(base, envelope as CustomerEvent);
  return { ...facts, segments: segmentsOf(facts, segments) };
}
