import type { EventEnvelope } from '@crm/contracts';
import { evolveCustomerDay, type CustomerDay } from './buckets/customer-day';
import { evolveCustomerHistory, type CustomerHistory } from './buckets/customer-history';
import { evolveCustomerMerge, type CustomerMerge } from './buckets/customer-merge';
import { evolveLoyaltyDay, type LoyaltyDay } from './buckets/loyalty-day';
import { BUCKET_KEYS } from './buckets/routing';
import { evolveSegmentMembership, type SegmentMembership } from './buckets/segment-membership';
import { evolveTicket, type Ticket } from './buckets/ticket';

export interface AnalyticsBuckets {
  customerDays: CustomerDay[];
  loyaltyDays: LoyaltyDay[];
  histories: CustomerHistory[];
  tickets: Ticket[];
  memberships: SegmentMembership[];
  merges: CustomerMerge[];
}

/** Each bucket's documents by key (the `_id` the read model stores them under). */
export type KeyedAnalyticsBuckets = { [K in keyof AnalyticsBuckets]: Map<string, AnalyticsBuckets[K][number]> };

function fold<T>(envelopes: readonly EventEnvelope[], key: (e: EventEnvelope) => string | null, evolve: (s: T | null, e: EventEnvelope) => T | null): Map<string, T> {
  const documents = new Map<string, T | null>();
  for (const e of envelopes) {
    const id = key(e);
    if (id === null) continue;
    documents.set(id, evolve(documents.get(id) ?? null, e));
  }
  return new Map([...documents].filter((entry): entry is [string, T] => entry[1] !== null));
}

/** Every bucket recomputed from raw events, keyed as stored. */
export function keyedBucketsFromEvents(envelopes: readonly EventEnvelope[]): KeyedAnalyticsBuckets {
  return {
    customerDays: fold(envelopes, BUCKET_KEYS.customerDay, evolveCustomerDay),
    loyaltyDays: fold(envelopes, BUCKET_KEYS.loyaltyDay, evolveLoyaltyDay),
    histories: fold(envelopes, BUCKET_KEYS.customerHistory, evolveCustomerHistory),
    tickets: fold(envelopes, BUCKET_KEYS.ticket, evolveTicket),
    memberships: fold(envelopes, BUCKET_KEYS.segmentMembership, evolveSegmentMembership),
    merges: fold(envelopes, BUCKET_KEYS.merge, evolveCustomerMerge),
  };
}

/**
 * Every bucket recomputed in one pass over raw events (each customer's events in stream order):
 * what the incrementally maintained read models must equal, however the events were batched,
 * redelivered or interleaved across customers.
 */
export function bucketsFromEvents(envelopes: readonly EventEnvelope[]): AnalyticsBuckets {
  const keyed = keyedBucketsFromEvents(envelopes);
  return {
    customerDays: [...keyed.customerDays.values()],
    loyaltyDays: [...keyed.loyaltyDays.values()],
    histories: [...keyed.histories.values()],
    tickets: [...keyed.tickets.values()],
    memberships: [...keyed.memberships.values()],
    merges: [...keyed.merges.values()],
  };
}
