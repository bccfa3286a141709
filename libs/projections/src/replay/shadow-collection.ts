import type { mongo, Schema } from 'mongoose';

/** Where a replay builds: beside the live collection, named after it and the job. */
export const shadowCollectionName = (liveCollection: string, jobId: string): string => `${liveCollection}__replay_${jobId}`;

/** Index options mongoose keeps in a schema that are not the server's to hear. */
const MONGOOSE_ONLY_OPTIONS = new Set(['_autoIndex']);

/**
 * Creates the shadow collection (if it is not there yet: a resumed replay keeps its work) with
 * exactly the indexes the read model's schema declares, so the swapped-in collection serves
 * queries as the live one did.
 */
export async function createShadowCollection(db: mongo.Db, name: string, schema: Schema): Promise<mongo.Collection> {
  if (!(await collectionExists(db, name))) await db.createCollection(name);
  const collection = db.collection(name);
  for (const [fields, options] of schema.indexes()) {
    const serverOptions = Object.fromEntries(Object.entries(options ?? {}).filter(([k]) => !MONGOOSE_ONLY_OPTIONS.has(k)));
    await collection.createIndex(fields as mongo.IndexSpecification, serverOptions as mongo.CreateIndexesOptions);
  }
  return collection;
}

/**
 * Puts the shadow in the live collection's place in one step: `renameCollection` with
 * `dropTarget` is atomic on MongoDB, so readers see the old model or the new one, never neither.
 */
export async function swapIntoPlace(db: mongo.Db, shadow: string, live: string): Promise<void> {
  await db.admin().command({ renameCollection: `${db.databaseName}.${shadow}`, to: `${db.databaseName}.${live}`, dropTarget: true });
}

/** Filtered by name here: mongo-java-server ignores `listCollections`' filter. */
export async function collectionExists(db: mongo.Db, name: string): Promise<boolean> {
  const all = await db.listCollections({}, { nameOnly: true }).toArray();
  return all.some((c) => c.name === name);
}

export async function dropCollectionIfExists(db: mongo.Db, name: string): Promise<void> {
  if (await collectionExists(db, name)) await db.dropCollection(name);
}

/** Index keys of a collection, `_id` aside, for comparing a shadow with its live model. */
export async function indexKeys(collection: mongo.Collection): Promise<string[]> {
  const indexes = await collection.indexes();
  return indexes
    .map((i) => JSON.stringify({ key: i.key, ...(i.unique ? { unique: true } : {}), ...(i.sparse ? { sparse: true } : {}) }))
    .filter((k) => k !== JSON.stringify({ key: { _id: 1 } }))
    .sort();
}
