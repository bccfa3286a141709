import { parseStreamId, StreamCategories, type CustomerEventRecord } from '@crm/contracts';
import type { DerivedEvent, DocumentProjection, ProjectedDocument, ProjectionMetadata } from './document-projection';

export type DocumentWrite<TState extends object> =
  | { kind: 'insert'; id: string; document: ProjectedDocument<TState> }
  | { kind: 'replace'; id: string; expectedRevision: number; expectedWrites: number | null; document: ProjectedDocument<TState> }
  | { kind: 'delete'; id: string; expectedRevision: number; expectedWrites: number | null };

/**
 * Pure core of the projection runner: given the documents as loaded and a batch of events, the
 * writes that bring each document up to date. Events at or below the revision a document has
 * applied from their stream are skipped, so the same batch folded twice yields no writes the
 * second time. Facts the projection derives on the way are pushed to `derived`, in event order.
 */
export function foldBatch<TState extends object>(
  projection: DocumentProjection<TState>,
  loaded: ReadonlyMap<string, ProjectedDocument<TState>>,
  records: readonly CustomerEventRecord[],
  now: Date,
  derived?: DerivedEvent[],
): DocumentWrite<TState>[] {
  const pending = new Map<string, { state: TState | null; revision: number; revisions: Record<string, number>; position: string; changed: boolean }>();
  for (const record of records) {
    const id = projection.documentId(record);
    if (id === null) continue;
    let entry = pending.get(id);
    if (!entry) {
      const doc = loaded.get(id);
      entry = doc
        ? { state: stripStored(doc), revision: doc._metadata.revision, revisions: { ...doc._metadata.revisions }, position: doc._metadata.position, changed: false }
        : { state: null, revision: -1, revisions: {}, position: '0', changed: false };
      pending.set(id, entry);
    }
    const lane = laneOf(record);
    const applied = lane === CUSTOMER_LANE ? entry.revision : (entry.revisions[lane] ?? -1);
    if (record.streamRevision <= applied) continue; // already applied: redelivery or replay
    const before = entry.state;
    entry.state = projection.evolve(before, record);
    if (projection.derive && derived) derived.push(...projection.derive(before, entry.state, record));
    if (lane === CUSTOMER_LANE) entry.revision = record.streamRevision;
    else entry.revisions[lane] = record.streamRevision;
    if (BigInt(record.position) > BigInt(entry.position)) entry.position = record.position;
    entry.changed = true;
  }

  const writes: DocumentWrite<TState>[] = [];
  for (const [id, entry] of pending) {
    if (!entry.changed) continue;
    const before = loaded.get(id);
    if (entry.state === null) {
      if (before) writes.push({ kind: 'delete', id, expectedRevision: before._metadata.revision, expectedWrites: before._metadata.writes ?? null });
      continue;
    }
    const _metadata: ProjectionMetadata = {
      name: projection.name,
      schemaVersion: projection.schemaVersion,
      revision: entry.revision,
      ...(Object.keys(entry.revisions).length > 0 ? { revisions: entry.revisions } : {}),
      position: entry.position,
      updatedAt: now,
      writes: (before?._metadata.writes ?? 0) + 1,
      ...(before?._metadata.absorbed ? { absorbed: before._metadata.absorbed } : {}),
    };
    const document = { ...entry.state, _id: id, _metadata } as ProjectedDocument<TState>;
    writes.push(
      before
        ? { kind: 'replace', id, expectedRevision: before._metadata.revision, expectedWrites: before._metadata.writes ?? null, document }
        : { kind: 'insert', id, document },
    );
  }
  return writes;
}

export function stripStored<TState extends object>(doc: ProjectedDocument<TState>): TState {
  const { _id: _ignoredId, _metadata: _ignoredMeta, ...state } = doc as ProjectedDocument<TState> & Record<string, unknown>;
  return state as unknown as TState;
}

const CUSTOMER_LANE: string = StreamCategories.customer;

/** Which revision counter guards a record: its stream's category (a customer's streams are one per category). */
function laneOf(record: CustomerEventRecord): string {
  if (record.streamId === undefined) return CUSTOMER_LANE;
  return parseStreamId(record.streamId)?.category ?? record.streamId;
}
