import type { mongo } from 'mongoose';

/** Longest merge chain followed (ingest flattens chains, so they stay short). */
const MAX_CHAIN = 32;

/**
 * The document a customer id stands for in a read model that honours merges: its own, or, when
 * the customer was merged (`mergedInto`), its survivor's — with the id that was asked for.
 * Null when neither is known.
 */
export async function findFollowingMerges(
  collection: mongo.Collection<Record<string, unknown>>,
  customerId: string,
): Promise<{ document: Record<string, unknown>; redirectedFrom?: string } | null> {
  const first = (await collection.findOne({ _id: customerId as never })) as Record<string, unknown> | null;
  if (!first) return null;
  let document: Record<string, unknown> = first;
  for (let hops = 0; typeof document['mergedInto'] === 'string' && hops < MAX_CHAIN; hops++) {
    const next = (await collection.findOne({ _id: document['mergedInto'] as never })) as Record<string, unknown> | null;
    if (!next) break; // the survivor's side has not been projected yet: show what is known
    document = next;
  }
  return document['_id'] === customerId ? { document } : { document, redirectedFrom: customerId };
}
