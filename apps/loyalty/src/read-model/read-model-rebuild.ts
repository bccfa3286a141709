import type { Connection, mongo } from 'mongoose';
import { isDeepStrictEqual } from 'node:util';
import { parseStreamId, upcast, type CustomerEventRecord } from '@crm/contracts';
import type { EventStore, StoredEvent } from '@crm/event-store';
import { envelopeFromStoredEvent } from '@crm/messaging';
import { ProjectionRunner, type ReadModelRegistration } from '@crm/projections';

/** Stream categories the loyalty read models fold. */
const FOLDED = new Set(['loyalty', 'customer']);

export const recordFromStoredEvent = (event: StoredEvent): CustomerEventRecord => ({
  envelope: upcast(envelopeFromStoredEvent(event)),
  streamId: event.streamId,
  streamRevision: event.revision,
  position: event.position.toString(),
});

/**
 * Rebuilds the read models from scratch in another database: every loyalty and customer stream
 * replayed from the event store's global log, through the same projections and runner as the
 * live consumer. Returns the events replayed.
 */
export async function replayIntoDatabase(store: EventStore, readModels: readonly ReadModelRegistration[], target: Connection, batchSize = 1_000): Promise<number> {
  const runners = readModels.map((m) => new ProjectionRunner(m.projection, { collection: target.collection(collectionOf(m)) } as never));
  let from: bigint | undefined;
  let replayed = 0;
  for (;;) {
    const events = await store.readAll({ fromPosition: from, maxCount: batchSize });
    if (events.length === 0) return replayed;
    from = events[events.length - 1].position;
    const records = events.filter((e) => FOLDED.has(parseStreamId(e.streamId)?.category ?? '')).map(recordFromStoredEvent);
    for (const runner of runners) await runner.apply(records);
    replayed += records.length;
  }
}

export interface ReadModelComparison {
  readonly collection: string;
  readonly documents: number;
  /** Same events applied, different content: the projection is not deterministic (a defect). */
  readonly different: string[];
  /** Applied up to different events (live ahead of or behind the rebuild), or missing on one side. */
  readonly notComparable: string[];
}

/** Compares each read model of `live` with a rebuild; `_metadata.updatedAt` and `writes` are the only fields allowed to differ. */
export async function compareReadModels(readModels: readonly ReadModelRegistration[], live: Connection, rebuilt: Connection): Promise<ReadModelComparison[]> {
  const results: ReadModelComparison[] = [];
  for (const model of readModels) {
    const name = collectionOf(model);
    const [a, b] = await Promise.all([load(live.collection(name)), load(rebuilt.collection(name))]);
    const different: string[] = [];
    const notComparable: string[] = [];
    for (const id of new Set([...a.keys(), ...b.keys()])) {
      const x = a.get(id);
      const y = b.get(id);
      if (!x || !y || !isDeepStrictEqual(appliedUpTo(x), appliedUpTo(y))) notComparable.push(id);
      else if (!isDeepStrictEqual(comparable(x), comparable(y))) different.push(id);
    }
    results.push({ collection: name, documents: a.size, different, notComparable });
  }
  return results;
}

const collectionOf = (model: ReadModelRegistration): string => String(model.schema.get('collection'));

async function load(collection: unknown): Promise<Map<string, Record<string, unknown>>> {
  const docs = await (collection as mongo.Collection<Record<string, unknown>>).find({}).toArray();
  return new Map(docs.map((d) => [String(d['_id']), d as Record<string, unknown>]));
}

function appliedUpTo(doc: Record<string, unknown>): unknown {
  const m = doc['_metadata'] as { revision?: number; revisions?: unknown } | undefined;
  return { revision: m?.revision, revisions: m?.revisions ?? {} };
}

function comparable(doc: Record<string, unknown>): unknown {
  const { updatedAt: _updatedAt, writes: _writes, ...metadata } = (doc['_metadata'] ?? {}) as Record<string, unknown>;
  return { ...doc, _metadata: metadata };
}
