/** Longest merge chain followed (ingest flattens chains, so they stay short). */
const MAX_CHAIN = 32;

/** Maps a customer id to the id it counts under: its survivor when it was merged, else itself. */
export type CanonicalId = (customerId: string) => string;

export const identity: CanonicalId = (id) => id;

/**
 * From `merged → survivor` pairs (each `crm.customer.merged`), the id every customer counts under,
 * following chains (A merged into B, later B into C: A counts as C). A cycle, which ingest never
 * produces, stops at the last id before it repeats.
 */
export function canonicalIdsFrom(merges: Iterable<readonly [mergedId: string, survivorId: string]>): CanonicalId {
  const into = new Map(merges);
  if (into.size === 0) return identity;
  return (id) => {
    let current = id;
    const seen = new Set([current]);
    for (let hops = 0; hops < MAX_CHAIN; hops++) {
      const next = into.get(current);
      if (next === undefined || seen.has(next)) return current;
      seen.add(next);
      current = next;
    }
    return current;
  };
}

/** Every id that counts as one of `canonical` ids (themselves and the customers merged into them). */
export function aliasesOf(canonicalIds: Iterable<string>, merges: Iterable<readonly [string, string]>): Set<string> {
  const wanted = new Set(canonicalIds);
  const mergeList = [...merges];
  const canonical = canonicalIdsFrom(mergeList);
  const ids = new Set(wanted);
  for (const [mergedId] of mergeList) if (wanted.has(canonical(mergedId))) ids.add(mergedId);
  return ids;
}
