// For pure unit tests only: no durability, single process. Same semantics as the real adapters
// (expected revision, idempotency, exclusive positions, catch-up-then-live subscriptions) so
// domain and projection tests can run without a database.
import { IdempotencyConflictError } from '../event-store.errors';
import type {
  AppendOptions,
  AppendResult,
  EventStore,
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
import { startPollingSubscription, trackSubscription } from '../internal/polling-subscription';
import { checkExpectedRevision } from '../internal/expected-revision';
import { validateNewEvents } from '../internal/new-event-validation';

export class InMemoryEventStore implements EventStore {
  private readonly log: StoredEvent[] = [];
  private readonly streams = new Map<string, StoredEvent[]>();
  private readonly byId = new Map<string, StoredEvent>();
  private readonly wakeListeners = new Set<() => void>();
  private readonly subscriptions = new Set<Subscription>();

  appendToStreams(requests: AppendRequest[]): Promise<AppendOutcome[]> {
    return appendEach(this, requests);
  }

  async appendToStream(streamId: string, events: NewEvent[], options: AppendOptions = {}): Promise<AppendResult> {
    validateNewEvents(streamId, events);
    const expected = options.expectedRevision ?? 'any';
    const stream = this.streams.get(streamId) ?? [];
    const ids = events.map((e) => e.eventId);
    if (new Set(ids).size !== ids.length) {
      throw new IdempotencyConflictError(streamId, ids, 'same event id twice in one append');
    }
    const stored = ids.map((id) => this.byId.get(id)).filter((e): e is StoredEvent => e !== undefined);
    if (stored.length > 0) {
      const foreign = stored.filter((e) => e.streamId !== streamId);
      if (foreign.length > 0) {
        throw new IdempotencyConflictError(streamId, foreign.map((e) => e.eventId), 'already stored in another stream');
      }
      if (stored.length !== events.length) {
        throw new IdempotencyConflictError(streamId, stored.map((e) => e.eventId), 'some but not all already stored');
      }
      return {
        nextExpectedRevision: Math.max(...stored.map((e) => e.revision)),
        positions: stored.map((e) => e.position),
        duplicate: true,
      };
    }

    const current = stream.length - 1;
    checkExpectedRevision(streamId, expected, current);
    if (events.length === 0) return { nextExpectedRevision: current, positions: [], duplicate: false };

    const recordedAt = new Date();
    const appended = events.map((e, i): StoredEvent => ({
      eventId: e.eventId,
      type: e.type,
      streamId,
      revision: current + 1 + i,
      position: BigInt(this.log.length + 1 + i),
      data: structuredClone(e.data),
      metadata: structuredClone(e.metadata ?? {}),
      recordedAt,
    }));
    for (const e of appended) {
      this.log.push(e);
      stream.push(e);
      this.byId.set(e.eventId, e);
    }
    this.streams.set(streamId, stream);
    for (const wake of this.wakeListeners) wake();
    return {
      nextExpectedRevision: current + events.length,
      positions: appended.map((e) => e.position),
      duplicate: false,
    };
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<StoredEvent[]> {
    const from = options.fromRevision ?? 0;
    const stream = this.streams.get(streamId) ?? [];
    return stream.slice(from, from + (options.maxCount ?? Number.MAX_SAFE_INTEGER)).map(copy);
  }

  async readAll(options: ReadAllOptions = {}): Promise<StoredEvent[]> {
    // Positions are 1-based and dense here, so position p sits at index p - 1.
    const from = Number(options.fromPosition ?? 0n);
    return this.log.slice(Math.max(from, 0), from + (options.maxCount ?? Number.MAX_SAFE_INTEGER)).map(copy);
  }

  subscribeToAll(
    options: SubscribeToAllOptions,
    handler: SubscriptionHandler,
    onError?: (err: Error) => void,
  ): Subscription {
    const source = {
      readBatch: async (from: bigint | undefined, maxCount: number) => ({
        events: await this.readAll({ fromPosition: from, maxCount }),
        blocked: false,
      }),
      onWake: (listener: () => void) => {
        this.wakeListeners.add(listener);
        return () => this.wakeListeners.delete(listener);
      },
    };
    const inner = startPollingSubscription(source, options.fromPosition, handler, onError, {
      batchSize: 500,
      idlePollMs: 1000,
      blockedPollMs: 1000,
      maxBackoffMs: 1000,
    });
    return trackSubscription(this.subscriptions, inner);
  }

  async ping(): Promise<void> {
    // Always ready: nothing to reach.
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
  }
}

// Callers get copies so they can't mutate the "stored" log.
function copy(e: StoredEvent): StoredEvent {
  return { ...e, data: structuredClone(e.data), metadata: structuredClone(e.metadata), recordedAt: new Date(e.recordedAt) };
}
