import type { Model, mongo } from 'mongoose';
import { CUSTOMER_MERGED, type CustomerEventRecord } from '@crm/contracts';
import type { DerivedEventSink } from './derived-events';
import type { DerivedEvent, DocumentProjection, ProjectedDocument, ProjectionMetadata } from './document-projection';
import { foldBatch, stripStored, type DocumentWrite } from './fold-batch';

export class ProjectionConflictError extends Error {
  constructor(projection: string, attempts: number) {
    super(`projection ${projection}: documents kept changing under it after ${attempts} attempts`);
    this.name = 'ProjectionConflictError';
  }
}

export interface ProjectionRunnerOptions {
  /**
   * Fold without deriving: a rebuild refolds history whose derived facts are already stored, so
   * it neither needs a sink nor appends them again.
   */
  readonly skipDerived?: boolean;
}

/** Read-model documents are keyed by strings (customer ids, day keys), not ObjectIds. */
type StoredDocument = { _id: string } & mongo.Document;

const DUPLICATE_KEY = 11000;
const MAX_CONFLICT_ATTEMPTS = 5;

/**
 * Applies a batch of events to one read model in two round trips: one `find` for the documents
 * the batch touches, one unordered `bulkWrite`. Writes are conditional on the revision the
 * document had when loaded, so a concurrent writer (e.g. a consumer that lost its partition
 * mid-batch) makes the batch reload and refold instead of overwriting newer state.
 * Uses the driver collection under the mongoose model: the documents are the projection's state
 * as is, and the model still owns the schema and indexes.
 * Derived events (see `DocumentProjection.derive`) go to the sink before the documents are
 * written: a crash in between refolds the same events on redelivery and derives the same ids.
 */
export class ProjectionRunner<TState extends object> {
  private readonly collection: mongo.Collection<StoredDocument>;

  constructor(
    readonly projection: DocumentProjection<TState>,
    model: Pick<Model<unknown>, 'collection'>,
    private readonly now: () => Date = () => new Date(),
    private readonly derivedSink?: DerivedEventSink,
    private readonly options: ProjectionRunnerOptions = {},
  ) {
    if (projection.derive && !derivedSink && !options.skipDerived) throw new Error(`projection ${projection.name} derives events: it needs a derived-event sink (an event store)`);
    this.collection = model.collection as unknown as mongo.Collection<StoredDocument>;
  }

  /** Returns the number of documents written. */
  async apply(records: readonly CustomerEventRecord[]): Promise<number> {
    const ids = [...new Set(records.map((r) => this.projection.documentId(r)).filter((id): id is string => id !== null))];
    if (ids.length === 0) return 0;
    for (let attempt = 1; attempt <= MAX_CONFLICT_ATTEMPTS; attempt++) {
      const loaded = await this.load(ids);
      const derived: DerivedEvent[] = [];
      const writes = foldBatch(this.projection, loaded, records, this.now(), this.options.skipDerived ? undefined : derived);
      if (derived.length > 0) await this.derivedSink?.append(derived);
      if (writes.length === 0) {
        // A redelivered batch whose documents were written before a crash may still owe its merges.
        await this.absorbMerges(records);
        return 0;
      }
      if (await this.write(writes)) {
        await this.absorbMerges(records);
        return writes.length;
      }
    }
    throw new ProjectionConflictError(this.projection.name, MAX_CONFLICT_ATTEMPTS);
  }

  /**
   * After a batch with `crm.customer.merged` events: each survivor takes in its merged customer's
   * state once (recorded in `_metadata.absorbed`), so redelivery never absorbs twice.
   */
  private async absorbMerges(records: readonly CustomerEventRecord[]): Promise<void> {
    const absorb = this.projection.absorb;
    if (!absorb) return;
    for (const record of records) {
      if (record.envelope.type !== CUSTOMER_MERGED) continue;
      const { survivorId, mergedId } = record.envelope.data as { survivorId: string; mergedId: string };
      for (let attempt = 1; ; attempt++) {
        const loaded = await this.load([survivorId, mergedId]);
        const merged = loaded.get(mergedId);
        const survivor = loaded.get(survivorId);
        if (!merged || survivor?._metadata.absorbed?.includes(mergedId)) break;
        const before = survivor ? stripStored(survivor) : null;
        const state = absorb(before, stripStored(merged), survivorId);
        // what changes for the survivor (segments entered, a new stage) is published like any change
        if (this.projection.derive && !this.options.skipDerived) {
          const derived = this.projection.derive(before, state, record);
          if (derived.length > 0) await this.derivedSink?.append(derived);
        }
        const _metadata: ProjectionMetadata = {
          ...(survivor?._metadata ?? { name: this.projection.name, schemaVersion: this.projection.schemaVersion, revision: -1, position: '0' }),
          updatedAt: this.now(),
          writes: (survivor?._metadata.writes ?? 0) + 1,
          absorbed: [...(survivor?._metadata.absorbed ?? []), mergedId],
        };
        const document = { ...state, _id: survivorId, _metadata } as ProjectedDocument<TState>;
        const write: DocumentWrite<TState> = survivor
          ? { kind: 'replace', id: survivorId, expectedRevision: survivor._metadata.revision, expectedWrites: survivor._metadata.writes ?? null, document }
          : { kind: 'insert', id: survivorId, document };
        if (await this.write([write])) break;
        if (attempt >= MAX_CONFLICT_ATTEMPTS) throw new ProjectionConflictError(this.projection.name, attempt);
      }
    }
  }

  private async load(ids: string[]): Promise<Map<string, ProjectedDocument<TState>>> {
    const docs = (await this.collection.find({ _id: { $in: ids } }).toArray()) as unknown as ProjectedDocument<TState>[];
    return new Map(docs.map((d) => [d._id, d]));
  }

  /** False when another writer got there first (the batch is then refolded). */
  private async write(writes: DocumentWrite<TState>[]): Promise<boolean> {
    const operations = writes.map(toOperation);
    const expectedMatches = writes.filter((w) => w.kind !== 'insert').length;
    try {
      const result = await this.collection.bulkWrite(operations, { ordered: false });
      return result.matchedCount + result.deletedCount >= expectedMatches;
    } catch (error) {
      if (isOnlyDuplicateKeys(error)) return false;
      throw error;
    }
  }
}

function toOperation<TState extends object>(write: DocumentWrite<TState>): mongo.AnyBulkWriteOperation<StoredDocument> {
  switch (write.kind) {
    case 'insert':
      return { insertOne: { document: write.document as unknown as StoredDocument } };
    case 'replace':
      return {
        replaceOne: {
          filter: { _id: write.id, '_metadata.revision': write.expectedRevision, '_metadata.writes': write.expectedWrites },
          replacement: write.document as unknown as StoredDocument,
        },
      };
    case 'delete':
      return { deleteOne: { filter: { _id: write.id, '_metadata.revision': write.expectedRevision, '_metadata.writes': write.expectedWrites } } };
  }
}

function isOnlyDuplicateKeys(error: unknown): boolean {
  const writeErrors = (error as { writeErrors?: { code?: number }[] | { code?: number } }).writeErrors;
  const list = Array.isArray(writeErrors) ? writeErrors : writeErrors ? [writeErrors] : [];
  if (list.length > 0) return list.every((e) => e.code === DUPLICATE_KEY);
  return (error as { code?: number }).code === DUPLICATE_KEY;
}
