import type { AppendRequest, EventStore, StoredEvent } from '../event-store.port';

/**
 * One stored event per line, as exported for offline analysis: every field of the stored event,
 * the position as a decimal string (positions are 64-bit) and the recording time in ISO 8601.
 */
export interface NdjsonEvent {
  readonly position: string;
  readonly streamId: string;
  readonly revision: number;
  readonly eventId: string;
  readonly type: string;
  readonly data: Record<string, unknown>;
  readonly metadata: Record<string, unknown>;
  readonly recordedAt: string;
}

export const toNdjsonEvent = (e: StoredEvent): NdjsonEvent => ({
  position: e.position.toString(),
  streamId: e.streamId,
  revision: e.revision,
  eventId: e.eventId,
  type: e.type,
  data: e.data,
  metadata: e.metadata,
  recordedAt: e.recordedAt.toISOString(),
});

export const toNdjsonLine = (e: StoredEvent): string => `${JSON.stringify(toNdjsonEvent(e))}\n`;

export class NdjsonFormatError extends Error {
  constructor(
    readonly line: number,
    reason: string,
  ) {
    super(`line ${line}: ${reason}`);
    this.name = 'NdjsonFormatError';
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parses and checks one exported line; `lineNumber` names it in errors. */
export function parseNdjsonEvent(text: string, lineNumber: number): NdjsonEvent {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new NdjsonFormatError(lineNumber, 'not JSON');
  }
  if (!isObject(value)) throw new NdjsonFormatError(lineNumber, 'not a JSON object');
  const problems: string[] = [];
  if (typeof value['position'] !== 'string' || !/^\d+$/.test(value['position'])) problems.push('position must be a decimal string');
  if (typeof value['streamId'] !== 'string' || value['streamId'] === '') problems.push('streamId must be a non-empty string');
  if (!Number.isSafeInteger(value['revision']) || (value['revision'] as number) < 0) problems.push('revision must be a non-negative integer');
  if (typeof value['eventId'] !== 'string') problems.push('eventId must be a string');
  if (typeof value['type'] !== 'string' || value['type'] === '') problems.push('type must be a non-empty string');
  if (!isObject(value['data'])) problems.push('data must be an object');
  if (!isObject(value['metadata'])) problems.push('metadata must be an object');
  if (typeof value['recordedAt'] !== 'string' || Number.isNaN(Date.parse(value['recordedAt']))) problems.push('recordedAt must be an ISO time');
  if (problems.length > 0) throw new NdjsonFormatError(lineNumber, problems.join('; '));
  return value as unknown as NdjsonEvent;
}

export interface ExportRange {
  /** Exclusive start (default: the beginning). */
  readonly after?: bigint;
  /** Inclusive end (default: the head when the export reaches it). */
  readonly upTo?: bigint;
  readonly pageSize?: number;
}

/**
 * Writes the global log's events in `range` to `write`, one NDJSON line each, in position
 * order. The next page is read while the current one is written. Returns how many were written.
 */
export async function exportEvents(store: Pick<EventStore, 'readAll'>, range: ExportRange, write: (lines: string) => void | Promise<void>): Promise<number> {
  const pageSize = range.pageSize ?? 2_000;
  let count = 0;
  let next = store.readAll({ fromPosition: range.after, maxCount: pageSize });
  for (;;) {
    const page = await next;
    const upTo = range.upTo;
    const inRange = upTo === undefined ? page : page.filter((e) => e.position <= upTo);
    const done = inRange.length < page.length || page.length < pageSize;
    if (!done) next = store.readAll({ fromPosition: page[page.length - 1].position, maxCount: pageSize });
    if (inRange.length > 0) await write(inRange.map(toNdjsonLine).join(''));
    count += inRange.length;
    if (done) return count;
  }
}

export class EventStoreNotEmptyError extends Error {
  constructor() {
    super('the target event store is not empty: import only restores into an empty store (a new schema or database)');
    this.name = 'EventStoreNotEmptyError';
  }
}

export interface ImportResult {
  readonly events: number;
  readonly streams: number;
}

/**
 * Restores exported events into an EMPTY store, keeping each event's id, type, data, metadata,
 * stream and revision, and the export's order: each batch is one multi-stream append whose
 * requests follow the file (runs of one stream in a row), and positions are drawn in request
 * order. Positions and recording times are the new store's own. Refuses a store that holds any
 * event, a file whose revisions skip or repeat within a stream, and lines out of position order.
 */
export async function importEvents(store: Pick<EventStore, 'readAll' | 'appendToStreams'>, lines: AsyncIterable<string>, options: { batchSize?: number } = {}): Promise<ImportResult> {
  if ((await store.readAll({ maxCount: 1 })).length > 0) throw new EventStoreNotEmptyError();
  const batchSize = options.batchSize ?? 1_000;
  const nextRevision = new Map<string, number>();
  let batch: NdjsonEvent[] = [];
  let events = 0;
  let lineNumber = 0;
  let lastPosition = -1n;

  const flush = async () => {
    if (batch.length === 0) return;
    // Expected revision 'any' keeps the PostgreSQL adapter on its set-based path, which draws
    // positions in request order (the careful path goes stream by stream); the revisions each
    // append ended at are checked instead, which catches a concurrent writer just as well.
    const requests: AppendRequest[] = [];
    const lastRevisions: number[] = [];
    for (const e of batch) {
      const event = { eventId: e.eventId, type: e.type, data: e.data, metadata: e.metadata };
      if (requests.length > 0 && requests[requests.length - 1].streamId === e.streamId) requests[requests.length - 1].events.push(event);
      else requests.push({ streamId: e.streamId, events: [event] });
      lastRevisions[requests.length - 1] = e.revision;
    }
    const outcomes = await store.appendToStreams(requests);
    outcomes.forEach((outcome, i) => {
      if (!outcome.ok) throw new Error(`import of stream ${requests[i].streamId} failed: ${outcome.error.message}`);
      if (outcome.result.duplicate || outcome.result.nextExpectedRevision !== lastRevisions[i]) {
        throw new Error(`import of stream ${requests[i].streamId}: the store is at revision ${outcome.result.nextExpectedRevision}, the file at ${lastRevisions[i]} (another writer?)`);
      }
    });
    events += batch.length;
    batch = [];
  };

  for await (const raw of lines) {
    lineNumber++;
    const text = raw.trim();
    if (text === '') continue;
    const event = parseNdjsonEvent(text, lineNumber);
    const position = BigInt(event.position);
    if (position <= lastPosition) throw new NdjsonFormatError(lineNumber, `position ${event.position} is not after the previous line's ${lastPosition}`);
    lastPosition = position;
    const expected = nextRevision.get(event.streamId) ?? 0;
    if (event.revision !== expected) throw new NdjsonFormatError(lineNumber, `stream ${event.streamId}: revision ${event.revision}, expected ${expected} (an export must hold whole streams)`);
    nextRevision.set(event.streamId, expected + 1);
    batch.push(event);
    if (batch.length >= batchSize) await flush();
  }
  await flush();
  return { events, streams: nextRevision.size };
}
