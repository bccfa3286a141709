// The one port every event store adapter implements. Apps and libs depend on this,
// never on an adapter's client library.

/** A number is the revision of the last event in the stream (0-based). */
export type ExpectedRevision = 'any' | 'no_stream' | 'stream_exists' | number;

export interface NewEvent {
  /** UUID; doubles as the idempotency key of the append. */
  eventId: string;
  type: string;
  data: Record<string, unknown>;
  metadata?: Record<string, unknown>;
}

export interface StoredEvent {
  eventId: string;
  type: string;
  streamId: string;
  revision: number;
  /** Global position; strictly increasing in readAll/subscription order, not necessarily dense. */
  position: bigint;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
  recordedAt: Date;
}

export interface AppendResult {
  nextExpectedRevision: number;
  /** One per event, in order. */
  positions: bigint[];
  /** True when every event id was already stored: nothing new written, original positions returned. */
  duplicate: boolean;
}

export interface AppendOptions {
  expectedRevision?: ExpectedRevision;
}

export interface ReadStreamOptions {
  fromRevision?: number;
  maxCount?: number;
}

export interface ReadAllOptions {
  /** Exclusive: events AFTER this position; undefined = from the start. */
  fromPosition?: bigint;
  maxCount?: number;
}

export interface SubscribeToAllOptions {
  /** Exclusive checkpoint: the position of the last event already handled. */
  fromPosition?: bigint;
}

export type SubscriptionHandler = (events: StoredEvent[]) => Promise<void>;

export interface Subscription {
  stop(): Promise<void>;
}

/** One stream's part of a multi-stream append. */
export interface AppendRequest {
  streamId: string;
  events: NewEvent[];
  expectedRevision?: ExpectedRevision;
}

/** Each stream of a multi-stream append succeeds or fails on its own. */
export type AppendOutcome = { ok: true; result: AppendResult } | { ok: false; error: Error };

export interface EventStore {
  appendToStream(streamId: string, events: NewEvent[], options?: AppendOptions): Promise<AppendResult>;
  /**
   * Appends to several streams at once, with the same per-stream semantics as `appendToStream`
   * (expected revision, idempotency); outcomes in request order. Lets a writer group concurrent
   * requests into one round trip where the store supports it.
   */
  appendToStreams(requests: AppendRequest[]): Promise<AppendOutcome[]>;
  /** [] when the stream doesn't exist. */
  readStream(streamId: string, options?: ReadStreamOptions): Promise<StoredEvent[]>;
  readAll(options?: ReadAllOptions): Promise<StoredEvent[]>;
  /**
   * Catch-up then live. The handler gets batches in global order and the next batch only after it
   * resolves. If it rejects, onError is called and the same batch is retried after a backoff
   * (at-least-once delivery); connection errors are retried the same way.
   */
  subscribeToAll(
    options: SubscribeToAllOptions,
    handler: SubscriptionHandler,
    onError?: (err: Error) => void,
  ): Subscription;
  /** Readiness check: resolves when the backing store answers. */
  ping(): Promise<void>;
  close(): Promise<void>;
}
