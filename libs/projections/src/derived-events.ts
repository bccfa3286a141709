import { v5 as uuidv5 } from 'uuid';
import { IdempotencyConflictError, type EventStore } from '@crm/event-store';
import { toNewEvent } from '@crm/messaging';
import type { DerivedEvent } from './document-projection';

// Fixed namespace: the same parts always name the same event, in every process and every replay.
const DERIVED_EVENT_NAMESPACE = '6f1d3b8e-2c4a-5e7f-9a0b-1c2d3e4f5a6b';

/** Deterministic event id from what makes the fact unique (projection, causing event, segment, …). */
export const derivedEventId = (...parts: readonly (string | number)[]): string => uuidv5(parts.join('\u001f'), DERIVED_EVENT_NAMESPACE);

/** Where a runner puts derived events before it writes documents. */
export interface DerivedEventSink {
  append(events: readonly DerivedEvent[]): Promise<void>;
}

/**
 * Appends derived events to their streams in the event store, idempotently: a refold after a
 * crash derives the same ids, which the store recognises as already stored. A redelivered batch
 * cut differently can mix stored and new ids in one stream; those are then appended one by one.
 */
export class EventStoreDerivedEventSink implements DerivedEventSink {
  constructor(private readonly store: EventStore) {}

  async append(events: readonly DerivedEvent[]): Promise<void> {
    if (events.length === 0) return;
    const byStream = new Map<string, DerivedEvent[]>();
    for (const event of events) byStream.set(event.streamId, [...(byStream.get(event.streamId) ?? []), event]);
    const requests = [...byStream].map(([streamId, list]) => ({ streamId, events: list.map((e) => toNewEvent(e.envelope)) }));
    const outcomes = await this.store.appendToStreams(requests);
    for (const [i, outcome] of outcomes.entries()) {
      if (outcome.ok) continue;
      if (!(outcome.error instanceof IdempotencyConflictError)) throw outcome.error;
      for (const event of requests[i].events) await this.store.appendToStream(requests[i].streamId, [event]);
    }
  }
}
