import type { mongo } from 'mongoose';
import { DiffAccumulator, type StoredReadModelDocument } from './document-diff';

type Collection = mongo.Collection<StoredReadModelDocument>;

const CHUNK = 1_000;

async function* chunks(cursor: mongo.FindCursor<StoredReadModelDocument>): AsyncGenerator<StoredReadModelDocument[]> {
  let chunk: StoredReadModelDocument[] = [];
  for await (const doc of cursor) {
    chunk.push(doc);
    if (chunk.length >= CHUNK) {
      yield chunk;
      chunk = [];
    }
  }
  if (chunk.length > 0) yield chunk;
}

/**
 * Compares a rebuilt collection with the live one, document by document: one pass over the
 * rebuild (each chunk looks up its live counterparts by id), one over the live model for the
 * documents the rebuild lacks. Needs no sort order, so it does not depend on how the server and
 * JavaScript order strings; memory is one chunk.
 */
export async function diffCollections(live: Collection, rebuilt: Collection, rebuiltUpTo?: bigint): Promise<DiffAccumulator> {
  const diff = new DiffAccumulator(rebuiltUpTo);
  for await (const chunk of chunks(rebuilt.find({}, { batchSize: CHUNK }))) {
    const counterparts = await live.find({ _id: { $in: chunk.map((d) => d._id) } }).toArray();
    const byId = new Map(counterparts.map((d) => [d._id, d]));
    for (const doc of chunk) diff.add(byId.get(doc._id), doc);
  }
  for await (const chunk of chunks(live.find({}, { batchSize: CHUNK }))) {
    const present = await rebuilt.find({ _id: { $in: chunk.map((d) => d._id) } }, { projection: { _id: 1 } }).toArray();
    const rebuiltIds = new Set(present.map((d) => d._id));
    for (const doc of chunk) if (!rebuiltIds.has(doc._id)) diff.add(doc, undefined);
  }
  return diff;
}
