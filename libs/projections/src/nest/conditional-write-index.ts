import type { Schema } from 'mongoose';

export const CONDITIONAL_WRITE_INDEX = 'conditional_write';

/**
 * Every projection write is conditional on exactly `{ _id, _metadata.revision, _metadata.writes }`.
 * MongoDB finds the document by `_id` anyway; some MongoDB-wire servers (the local one) only use
 * an index whose fields equal the filter's and otherwise scan the collection on every write.
 * Unique because `_id` is, so it costs MongoDB little and spares those servers a scan per write.
 */
export function withConditionalWriteIndex(schema: Schema): Schema {
  const present = schema.indexes().some(([, options]) => (options as { name?: string } | undefined)?.name === CONDITIONAL_WRITE_INDEX);
  if (!present) schema.index({ _id: 1, '_metadata.revision': 1, '_metadata.writes': 1 }, { unique: true, name: CONDITIONAL_WRITE_INDEX });
  return schema;
}
