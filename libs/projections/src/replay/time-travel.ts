import { CUSTOMER_MERGED, streamIdOf, type CustomerEventRecord, type StreamCategory } from '@crm/contracts';
import type { EventStore, StoredEvent } from '@crm/event-store';
import type { DocumentProjection, ProjectedDocument } from '../document-projection';
import { ProjectionRunner } from '../projection-runner';
import { isUnreadable, recordFromStoredEvent } from './event-log-source';
import { InMemoryDocuments } from './in-memory-documents';

/**
 * A point in the past. `position`: everything stored up to that global position. `time` with
 * `clock: 'recorded'` (the default): everything the platform had stored at that instant, which
 * is what the live model showed then. `clock: 'event'`: everything whose event `time` (when it
 * happened, as the sender said) is at or before it, including events sent later as backfill.
 */
export type AsOf = { readonly position: bigint } | { readonly time: Date; readonly clock?: 'recorded' | 'event' };

export function isAsOf(asOf: AsOf, stored: StoredEvent, record: CustomerEventRecord): boolean {
  if ('position' in asOf) return stored.position <= asOf.position;
  if (asOf.clock === 'event') return Date.parse(record.envelope.time) <= asOf.time.getTime();
  return stored.recordedAt <= asOf.time;
}

export interface TimeTravelInput<TState extends object> {
  readonly store: Pick<EventStore, 'readStream'>;
  readonly projection: DocumentProjection<TState>;
  /** The stream categories the read side folds (see `categoriesOfTopics`). */
  readonly categories: ReadonlySet<StreamCategory>;
  readonly customerId: string;
  /**
   * Customers merged into this one (from the live document's `_metadata.absorbed`): their
   * histories are folded too, so the survivor absorbs them if the merge happened by then.
   */
  readonly mergedCustomers?: readonly string[];
  readonly asOf: AsOf;
}

/**
 * Every document a customer's history produced as of a point in the past, by folding that
 * history through the projection's own runner into memory. Read models keyed by customer id
 * yield one document (the customer's); others (one document per customer and day, …) yield all
 * of the customer's documents. Derived events are not published: this only looks.
 */
export async function foldCustomerAsOf<TState extends object>(input: TimeTravelInput<TState>): Promise<ProjectedDocument<TState>[]> {
  const customers = [input.customerId, ...(input.mergedCustomers ?? []).filter((c) => c !== input.customerId)];
  const streams = customers.flatMap((customer) => [...input.categories].map((category) => streamIdOf(category, customer)));
  const histories = await Promise.all(streams.map((streamId) => input.store.readStream(streamId)));
  const records: CustomerEventRecord[] = [];
  for (const stored of histories.flat().sort((a, b) => (a.position < b.position ? -1 : a.position > b.position ? 1 : 0))) {
    const record = recordFromStoredEvent(stored);
    if (isUnreadable(record) || !isAsOf(input.asOf, stored, record)) continue;
    records.push(record);
  }
  const documents = new InMemoryDocuments();
  const runner = new ProjectionRunner(input.projection, { collection: documents.asCollection() } as never, undefined, undefined, { skipDerived: true });
  await applyInMergeOrder(runner, records);
  return documents.all() as unknown as ProjectedDocument<TState>[];
}

/**
 * Applies records in order, ending a batch at each merge: the live consumer absorbs a merged
 * customer right after the batch holding the merge, and a refold follows the same rhythm.
 */
export async function applyInMergeOrder(runner: Pick<ProjectionRunner<object>, 'apply'>, records: readonly CustomerEventRecord[], maxBatch = 5_000): Promise<number> {
  let written = 0;
  let start = 0;
  for (let i = 0; i < records.length; i++) {
    if (records[i].envelope.type === CUSTOMER_MERGED || i - start + 1 >= maxBatch || i === records.length - 1) {
      written += await runner.apply(records.slice(start, i + 1));
      start = i + 1;
    }
  }
  return written;
}
