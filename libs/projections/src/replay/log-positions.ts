import type { EventStore, StoredEvent } from '@crm/event-store';

type LogReader = Pick<EventStore, 'readAll'>;

/** The first event after `position`, or null at the head. */
async function nextEvent(store: LogReader, position: bigint): Promise<StoredEvent | null> {
  const [event] = await store.readAll({ fromPosition: position, maxCount: 1 });
  return event ?? null;
}

/** The position of the event right after `position` (the search's answer: it exists by construction). */
async function positionAfter(store: LogReader, position: bigint): Promise<bigint> {
  const event = await nextEvent(store, position);
  if (!event) throw new Error(`the event log changed under a position search at ${position}`);
  return event.position;
}

/**
 * The greatest position p in [lo, hi) such that `holds(p)`, for a predicate true at lo and
 * monotone (true then false) over positions. Positions are sparse and 64-bit, so this searches
 * the number line with one `readAll(…, 1)` per probe: about 64 probes at most.
 */
async function lastWhere(lo: bigint, hi: bigint, holds: (p: bigint) => Promise<boolean>): Promise<bigint> {
  while (hi - lo > 1n) {
    const mid = lo + (hi - lo) / 2n;
    if (await holds(mid)) lo = mid;
    else hi = mid;
  }
  return lo;
}

/** A bound above every stored position: doubled until nothing follows it. */
async function upperBound(store: LogReader): Promise<bigint> {
  let hi = 1024n;
  while ((await nextEvent(store, hi)) !== null) hi *= 2n;
  return hi;
}

/**
 * Position of the last event a reader can see now (0 for an empty log). Events up to it are
 * committed and visible: the PostgreSQL adapter's reads stop below in-flight transactions.
 */
export async function headPosition(store: LogReader): Promise<bigint> {
  if ((await nextEvent(store, 0n)) === null) return 0n;
  const hi = await upperBound(store);
  const before = await lastWhere(0n, hi, async (p) => (await nextEvent(store, p)) !== null);
  return positionAfter(store, before);
}

/**
 * Position of the last event recorded at or before `time` (0 if none). Recording times follow
 * positions (an event is stamped when its transaction starts, and positions are drawn in
 * transaction order), up to the overlap of concurrent transactions: a few milliseconds.
 */
export async function positionAtTime(store: LogReader, time: Date): Promise<bigint> {
  const first = await nextEvent(store, 0n);
  if (first === null || first.recordedAt > time) return 0n;
  const hi = await upperBound(store);
  // p "holds" while the event after p was recorded at or before `time`.
  const before = await lastWhere(0n, hi, async (p) => {
    const next = await nextEvent(store, p);
    return next !== null && next.recordedAt <= time;
  });
  return positionAfter(store, before);
}
