// EventStoreDB adapter. Positions are $all commit positions. It assumes events appended through
// gRPC get their own commit position each (commit = prepare position, true for EventStoreDB 20+
// implicit transactions), since the port's single bigint position can't encode a (commit,
// prepare) pair.
import {
  ANY,
  EventStoreDBClient,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  StreamNotFoundError,
  WrongExpectedVersionError,
  excludeSystemEvents,
  jsonEvent,
  type AllStreamResolvedEvent,
  type AllStreamSubscription,
  type AppendExpectedRevision,
  type ReadPosition,
  type ResolvedEvent,
} from '@eventstore/db-client';
import { IdempotencyConflictError, WrongExpectedRevisionError } from '../event-store.errors';
import type {
  AppendOptions,
  AppendResult,
  EventStore,
  ExpectedRevision,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  StoredEvent,
  SubscribeToAllOptions,
  Subscription,
  SubscriptionHandler,
} from '../event-store.port';
import type { AppendOutcome, AppendRequest } from '../event-store.port';
import { appendEach } from '../internal/append-each';
import { validateNewEvents } from '../internal/new-event-validation';

export interface EventStoreDbEventStoreOptions {
  /** e.g. esdb://localhost:2113?tls=false */
  connectionString: string;
}

export class EventStoreDbEventStore implements EventStore {
  private readonly client: EventStoreDBClient;
  private readonly subscriptions = new Set<Subscription>();

  static async connect(options: EventStoreDbEventStoreOptions): Promise<EventStoreDbEventStore> {
    const store = new EventStoreDbEventStore(options);
    await store.ping();
    return store;
  }

  constructor(options: EventStoreDbEventStoreOptions) {
    this.client = EventStoreDBClient.connectionString(options.connectionString);
  }

  appendToStreams(requests: AppendRequest[]): Promise<AppendOutcome[]> {
    return appendEach(this, requests);
  }

  async appendToStream(streamId: string, events: NewEvent[], options: AppendOptions = {}): Promise<AppendResult> {
    validateNewEvents(streamId, events);
    const expected = options.expectedRevision ?? 'any';
    const ids = events.map((e) => e.eventId);
    if (new Set(ids).size !== ids.length) {
      throw new IdempotencyConflictError(streamId, ids, 'same event id twice in one append');
    }

    // EventStoreDB only dedupes a retry sent with the same expected revision (and 'any' only best
    // effort), so the port's "duplicate regardless of expected revision" needs a look at the stream.
    // It can't see ids stored in other streams: there is no index by event id.
    const existing = await this.readStream(streamId);
    const stored = existing.filter((e) => ids.includes(e.eventId));
    if (stored.length > 0) {
      if (stored.length !== ids.length) {
        throw new IdempotencyConflictError(streamId, stored.map((e) => e.eventId), 'some but not all already stored');
      }
      const positionById = new Map(stored.map((e) => [e.eventId, e.position]));
      return {
        nextExpectedRevision: Math.max(...stored.map((e) => e.revision)),
        positions: ids.map((id) => positionById.get(id) ?? -1n),
        duplicate: true,
      };
    }
    if (events.length === 0) {
      const current = existing.length - 1;
      const ok =
        expected === 'any' || (expected === 'no_stream' ? current === -1 : expected === 'stream_exists' ? current >= 0 : expected === current);
      if (!ok) throw new WrongExpectedRevisionError(streamId, expected, current === -1 ? 'no_stream' : current);
      return { nextExpectedRevision: current, positions: [], duplicate: false };
    }

    try {
      const result = await this.client.appendToStream(
        streamId,
        events.map((e) => jsonEvent({ id: e.eventId, type: e.type, data: e.data, metadata: e.metadata ?? {} })),
        { expectedRevision: toClientRevision(expected) },
      );
      const next = Number(result.nextExpectedRevision);
      // The result carries one position (the last event's); read ours back for the others.
      const positions =
        events.length === 1 && result.position
          ? [result.position.commit]
          : (await this.readStream(streamId, { fromRevision: next - events.length + 1, maxCount: events.length })).map(
              (e) => e.position,
            );
      return { nextExpectedRevision: next, positions, duplicate: false };
    } catch (err) {
      if (err instanceof WrongExpectedVersionError) {
        const actual = err.actualVersion === NO_STREAM ? 'no_stream' : Number(err.actualVersion);
        throw new WrongExpectedRevisionError(streamId, expected, actual);
      }
      throw err;
    }
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<StoredEvent[]> {
    const events: StoredEvent[] = [];
    try {
      const read = this.client.readStream(streamId, {
        fromRevision: options.fromRevision ? BigInt(options.fromRevision) : START,
        maxCount: options.maxCount ?? Number.MAX_SAFE_INTEGER,
      });
      for await (const resolved of read) {
        const event = toStoredEvent(resolved);
        if (event) events.push(event);
      }
    } catch (err) {
      if (err instanceof StreamNotFoundError) return [];
      throw err;
    }
    return events;
  }

  async readAll(options: ReadAllOptions = {}): Promise<StoredEvent[]> {
    const max = options.maxCount ?? Number.MAX_SAFE_INTEGER;
    const events: StoredEvent[] = [];
    if (max <= 0) return events;
    // The read starts AT the position (inclusive) and can't filter system events, so both are
    // skipped here; breaking out of the loop cancels the server-side read.
    for await (const resolved of this.client.readAll({ fromPosition: toReadPosition(options.fromPosition) })) {
      const event = toStoredEvent(resolved);
      if (!event || isSystem(event)) continue;
      if (options.fromPosition !== undefined && event.position <= options.fromPosition) continue;
      events.push(event);
      if (events.length >= max) break;
    }
    return events;
  }

  subscribeToAll(
    options: SubscribeToAllOptions,
    handler: SubscriptionHandler,
    onError?: (err: Error) => void,
  ): Subscription {
    let checkpoint = options.fromPosition;
    let stopped = false;
    let current: AllStreamSubscription | undefined;
    let wakeFromBackoff: (() => void) | undefined;

    const run = async () => {
      let failures = 0;
      while (!stopped) {
        const from = checkpoint;
        // Server-side catch-up then live; resubscribing from the checkpoint after any failure
        // (connection or handler) gives at-least-once delivery without gaps.
        const subscription = this.client.subscribeToAll({
          fromPosition: toReadPosition(from),
          filter: excludeSystemEvents(),
        });
        current = subscription;
        try {
          for await (const resolved of subscription) {
            if (stopped) break;
            const event = toStoredEvent(resolved);
            if (!event || isSystem(event) || (from !== undefined && event.position <= from)) continue;
            await handler([event]);
            checkpoint = event.position;
            failures = 0;
          }
        } catch (err) {
          if (stopped) break;
          onError?.(err instanceof Error ? err : new Error(String(err)));
        } finally {
          await subscription.unsubscribe().catch(() => undefined);
        }
        if (stopped) break;
        failures++;
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, Math.min(5000, 100 * 2 ** failures));
          wakeFromBackoff = () => {
            clearTimeout(timer);
            resolve();
          };
        });
      }
    };
    const running = run();

    const subscription: Subscription = {
      stop: async () => {
        stopped = true;
        this.subscriptions.delete(subscription);
        wakeFromBackoff?.();
        await current?.unsubscribe().catch(() => undefined);
        await running;
      },
    };
    this.subscriptions.add(subscription);
    return subscription;
  }

  async ping(): Promise<void> {
    for await (const _ of this.client.readAll({ maxCount: 1 })) break;
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
    await this.client.dispose();
  }
}

function toClientRevision(expected: ExpectedRevision): AppendExpectedRevision {
  if (expected === 'any') return ANY;
  if (expected === 'no_stream') return NO_STREAM;
  if (expected === 'stream_exists') return STREAM_EXISTS;
  return BigInt(expected);
}

function toReadPosition(position: bigint | undefined): ReadPosition {
  return position === undefined ? START : { commit: position, prepare: position };
}

function isSystem(event: StoredEvent): boolean {
  return event.type.startsWith('$') || event.streamId.startsWith('$');
}

function toStoredEvent(resolved: ResolvedEvent | AllStreamResolvedEvent): StoredEvent | undefined {
  const e = resolved.event;
  if (!e) return undefined;
  const position = e.position?.commit ?? resolved.commitPosition;
  if (position === undefined) throw new Error(`EventStoreDB returned ${e.streamId}@${e.revision} without a position (server < 22.6?)`);
  return {
    eventId: e.id,
    type: e.type,
    streamId: e.streamId,
    revision: Number(e.revision),
    position,
    data: asRecord(e.data),
    metadata: asRecord(e.metadata),
    recordedAt: e.created,
  };
}

function asRecord(value: unknown): Record<string, unknown> {
  return value && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Uint8Array)
    ? (value as Record<string, unknown>)
    : {};
}
