import { parseStreamId, Topics, TOPIC_OF_STREAM_CATEGORY, upcast, type CustomerEventRecord, type StreamCategory } from '@crm/contracts';
import type { EventStore, StoredEvent } from '@crm/event-store';
import { envelopeFromStoredEvent } from '@crm/messaging';

/** A stored event that cannot be folded (the consumer dead-letters such events): replay skips it the same way. */
export interface UnreadableEvent {
  readonly eventId: string;
  readonly position: string;
  readonly error: string;
}

/**
 * A stored event as a read side folds it: the record the consumer builds from the relay's
 * message (`parseCustomerEventMessage` of `toKafkaMessage`), built directly — the same envelope
 * (`envelopeFromStoredEvent`), upcast to the current schema version, with stream, revision and
 * position. The consumer also checks customer events against the current contracts, because
 * anyone with write access to the topic could bypass ingest; events in the store came through
 * ingest and were folded live when they were stored, so replay trusts them (checking old events
 * against a newer contract would make a rebuild drop what the live model holds).
 */
export function recordFromStoredEvent(stored: StoredEvent): CustomerEventRecord | UnreadableEvent {
  try {
    return { envelope: upcast(envelopeFromStoredEvent(stored)), streamId: stored.streamId, streamRevision: stored.revision, position: stored.position.toString() };
  } catch (error) {
    // an upcaster that cannot handle the stored shape: the consumer would dead-letter it too
    return { eventId: stored.eventId, position: stored.position.toString(), error: (error as Error).message };
  }
}

export const isUnreadable = (r: CustomerEventRecord | UnreadableEvent): r is UnreadableEvent => 'error' in r;

/** The stream categories whose topics a read side consumes (unprefixed topic names). */
export function categoriesOfTopics(topics: readonly string[] = [Topics.customerEvents]): ReadonlySet<StreamCategory> {
  const wanted = new Set(topics);
  return new Set((Object.keys(TOPIC_OF_STREAM_CATEGORY) as StreamCategory[]).filter((c) => wanted.has(TOPIC_OF_STREAM_CATEGORY[c])));
}

/** Whether the relay delivers this stream's events to a read side folding these categories. */
export function foldsStream(categories: ReadonlySet<StreamCategory>, streamId: string): boolean {
  const parsed = parseStreamId(streamId);
  return parsed !== null && categories.has(parsed.category);
}

export interface LogPage {
  /** Every event of the page, before filtering: positions and counts of what was read. */
  readonly read: number;
  /** Position of the page's last event (the checkpoint once the page is applied). */
  readonly lastPosition: bigint;
  /** The events the read side folds, as records. */
  readonly records: CustomerEventRecord[];
  /** Events of folded streams the consumer would refuse too (dead letters on the live path). */
  readonly unreadable: UnreadableEvent[];
}

export interface LogPageOptions {
  /** Exclusive start (undefined: the beginning). */
  readonly after?: bigint;
  /** Inclusive end; the reader stops at the first event beyond it. Undefined: read to the head. */
  readonly upTo?: bigint;
  readonly pageSize: number;
  /** Which events to fold (by default every stream of a known category). */
  readonly include?: (stored: StoredEvent) => boolean;
  /** Pages read ahead of the consumer; the next read is already in flight while a page is applied. */
  readonly readAhead?: number;
  readonly signal?: AbortSignal;
}

/**
 * The global log as pages, read ahead: while the caller folds and writes page N, page N+1 (and
 * up to `readAhead` pages) are already being fetched, so a replay's throughput is bounded by the
 * slower of reading and writing instead of their sum.
 */
export async function* readLogPages(store: Pick<EventStore, 'readAll'>, options: LogPageOptions): AsyncGenerator<LogPage> {
  const readAhead = Math.max(1, options.readAhead ?? 2);
  const include = options.include ?? ((e: StoredEvent) => parseStreamId(e.streamId) !== null);
  let cursor = options.after;
  let exhausted = false;
  const pending: Promise<LogPage | null>[] = [];

  const fetchNext = async (from: bigint | undefined): Promise<LogPage | null> => {
    const events = await store.readAll({ fromPosition: from, maxCount: options.pageSize });
    const upTo = options.upTo;
    const inRange = upTo === undefined ? events : events.filter((e) => e.position <= upTo);
    if (inRange.length === 0) return null;
    const records: CustomerEventRecord[] = [];
    const unreadable: UnreadableEvent[] = [];
    for (const stored of inRange) {
      if (!include(stored)) continue;
      const record = recordFromStoredEvent(stored);
      if (isUnreadable(record)) unreadable.push(record);
      else records.push(record);
    }
    return { read: inRange.length, lastPosition: inRange[inRange.length - 1].position, records, unreadable };
  };

  // Pages are chained: each fetch starts where the previous one ended, so the next request can
  // only be issued once the previous page's last position is known. The chain is kept
  // `readAhead` deep by issuing the next fetch as soon as the previous resolves.
  const schedule = (): void => {
    if (exhausted) return;
    const previous = pending.length > 0 ? pending[pending.length - 1] : Promise.resolve<LogPage | null | undefined>(undefined);
    const next = previous.then((page) => {
      if (page === null) return null;
      const from = page === undefined ? cursor : page.lastPosition;
      return fetchNext(from);
    });
    // An unconsumed rejection must not surface as unhandled; the consumer sees it when it awaits.
    next.catch(() => undefined);
    pending.push(next);
  };

  try {
    for (let i = 0; i < readAhead; i++) schedule();
    while (pending.length > 0) {
      if (options.signal?.aborted) return;
      const page = await pending.shift();
      if (page === null || page === undefined) {
        exhausted = true;
        return;
      }
      cursor = page.lastPosition;
      if (options.upTo !== undefined && page.lastPosition >= options.upTo) exhausted = true;
      if (page.read < options.pageSize) exhausted = true;
      schedule();
      yield page;
    }
  } finally {
    exhausted = true;
  }
}
