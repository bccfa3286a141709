import type { NewEvent } from '../event-store.port';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Rejects malformed input before it reaches a database, with a message naming the event. */
export function validateNewEvents(streamId: string, events: NewEvent[]): void {
  if (!streamId) throw new TypeError('streamId must be a non-empty string');
  for (const e of events) {
    if (!UUID.test(e.eventId)) throw new TypeError(`Event id must be a UUID, got "${e.eventId}" (stream ${streamId})`);
    if (!e.type) throw new TypeError(`Event ${e.eventId} has no type (stream ${streamId})`);
  }
}
