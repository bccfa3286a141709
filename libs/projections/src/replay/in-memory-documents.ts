import type { mongo } from 'mongoose';
import { cloneDocument, matchesEqualityFilter } from './document-copies';

type Doc = { _id: string } & Record<string, unknown>;

const DUPLICATE_KEY = 11000;

/**
 * The few collection operations `ProjectionRunner` uses (`find` by ids, unordered `bulkWrite` of
 * conditional inserts, replaces (and upserts) and deletes), over a Map. Time travel folds a customer's history
 * through the real runner into one of these, so a past state is computed by exactly the code
 * that maintains the live model, without touching the database.
 */
export class InMemoryDocuments {
  private readonly docs = new Map<string, Doc>();

  /** As a driver collection, for `ProjectionRunner`'s `model.collection`. */
  asCollection(): mongo.Collection {
    return this as unknown as mongo.Collection;
  }

  all(): Doc[] {
    return [...this.docs.values()].map((d) => cloneDocument(d));
  }

  get(id: string): Doc | undefined {
    const doc = this.docs.get(id);
    return doc ? cloneDocument(doc) : undefined;
  }

  find(filter: { _id: { $in: string[] } }): { toArray(): Promise<Doc[]> } {
    const ids = filter._id.$in;
    return { toArray: async () => ids.map((id) => this.docs.get(id)).filter((d): d is Doc => d !== undefined).map((d) => cloneDocument(d)) };
  }

  async bulkWrite(operations: mongo.AnyBulkWriteOperation<Doc>[]): Promise<{ matchedCount: number; deletedCount: number }> {
    let matchedCount = 0;
    let deletedCount = 0;
    const writeErrors: { code: number; index: number }[] = [];
    operations.forEach((op, index) => {
      if ('insertOne' in op) {
        const doc = op.insertOne.document as Doc;
        if (this.docs.has(doc._id)) writeErrors.push({ code: DUPLICATE_KEY, index });
        else this.docs.set(doc._id, cloneDocument(doc));
      } else if ('replaceOne' in op) {
        const filter = op.replaceOne.filter as Record<string, unknown>;
        const current = this.docs.get(filter['_id'] as string);
        if (current && matchesEqualityFilter(current, filter)) {
          matchedCount++;
          this.docs.set(current._id, cloneDocument(op.replaceOne.replacement as Doc));
        } else if (!current && op.replaceOne.upsert) {
          this.docs.set(filter['_id'] as string, cloneDocument({ ...(op.replaceOne.replacement as Doc), _id: filter['_id'] as string }));
        }
      } else if ('deleteOne' in op) {
        const filter = op.deleteOne.filter as Record<string, unknown>;
        const current = this.docs.get(filter['_id'] as string);
        if (current && matchesEqualityFilter(current, filter)) {
          deletedCount++;
          this.docs.delete(current._id);
        }
      } else {
        throw new Error(`in-memory documents: unsupported operation ${Object.keys(op).join(',')}`);
      }
    });
    if (writeErrors.length > 0) throw Object.assign(new Error('duplicate key'), { code: DUPLICATE_KEY, writeErrors });
    return { matchedCount, deletedCount };
  }
}

