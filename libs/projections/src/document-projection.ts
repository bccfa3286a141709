import type { CustomerEventRecord } from '@crm/contracts';

/**
 * A read model kept as one MongoDB document per key, built by a pure `evolve`.
 *
 * Every key must belong to exactly one customer stream (a customer's profile, a customer's day):
 * the document remembers the last stream revision applied, which is what makes redelivery,
 * restarts and replays idempotent. Figures across customers (counts per day, segment sizes) are
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
}

export interface ProjectionMetadata {
  readonly name: string;
  readonly schemaVersion: number;
  /** Stream revision of the last event applied to this document. */
  readonly revision: number;
  /** Global log position of that event. */
  readonly position: string;
  readonly updatedAt: Date;
  /** Writes so far: every write is conditional on it, so concurrent writers never overwrite each other. */
  readonly writes?: number;
  /** Customers merged into this one whose state it has taken in (each exactly once). */
  readonly absorbed?: readonly string[];
}

export type ProjectedDocument<TState extends object> = TState & { _id: string; _metadata: ProjectionMetadata };
