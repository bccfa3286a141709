import type { CustomerEventRecord, EventEnvelope } from '@crm/contracts';

/** A fact a projection publishes because of a state change, and the stream it belongs to. */
export interface DerivedEvent {
  readonly streamId: string;
  /** `id` must be deterministic (see `derivedEventId`): refolding the same event derives the same ids. */
  readonly envelope: EventEnvelope;
}

/**
 * A read model kept as one MongoDB document per key, built by a pure `evolve`.
 *
 * Every key must belong to one customer (a customer's profile, a customer's day): the document
 * remembers the last revision applied from each of that customer's streams (its own events and
 * the derived `loyalty-…`, `segment-membership-…`, `lifecycle-…` streams), which is what makes
 * redelivery, restarts and replays idempotent. Figures across customers (counts per day, segment sizes) are
 * computed from these documents, never kept as shared counters that a redelivery would bump twice.
 */
export interface DocumentProjection<TState extends object> {
  /** Stored in `_metadata.name`; also the projection's identity in logs and replays. */
  readonly name: string;
  /** Bumped when `evolve` changes meaning; a rebuild is then due. */
  readonly schemaVersion: number;
  /** The document an event changes, or null when the event does not concern this read model. */
  documentId(record: CustomerEventRecord): string | null;
  /** Pure: state before (null if none) and one event → state after (null deletes the document). */
  evolve(state: TState | null, record: CustomerEventRecord): TState | null;
  /**
   * Merges (optional; read models keyed by customer id): how the survivor's state takes in the
   * merged customer's, once its `crm.customer.merged` has been applied. Pure. Without it, a
   * merged customer's document just keeps what `evolve` made of the merge event.
   */
  absorb?(survivor: TState | null, merged: TState, survivorId: string): TState;
  /**
   * Derived facts (optional): what to publish because applying `record` turned `before` into
   * `after` (a segment entered, a lifecycle stage changed). Pure. The runner appends them to the
   * event store before it writes the documents, idempotently by event id, so a crash between the
   * two neither loses nor duplicates them; the relay then publishes them to their topics.
   */
  derive?(before: TState | null, after: TState | null, record: CustomerEventRecord): DerivedEvent[];
}

export interface ProjectionMetadata {
  readonly name: string;
  readonly schemaVersion: number;
  /** Revision of the last event applied from the customer's own stream (-1: none yet). */
  readonly revision: number;
  /** The same for the customer's derived streams, by category (`loyalty`, `segment-membership`, `lifecycle`). */
  readonly revisions?: Readonly<Record<string, number>>;
  /** Global log position of that event. */
  readonly position: string;
  readonly updatedAt: Date;
  /** Writes so far: every write is conditional on it, so concurrent writers never overwrite each other. */
  readonly writes?: number;
  /** Customers merged into this one whose state it has taken in (each exactly once). */
  readonly absorbed?: readonly string[];
}

export type ProjectedDocument<TState extends object> = TState & { _id: string; _metadata: ProjectionMetadata };
