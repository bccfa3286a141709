/** Plain documents as the read side stores them: objects, arrays, dates and scalars. */
type Doc = Record<string, unknown>;

/** Deep copy, as a database round trip would give (so no caller shares state with the store). */
export function cloneDocument<T>(value: T): T {
  if (value instanceof Date) return new Date(value.getTime()) as T;
  if (Array.isArray(value)) return value.map((v) => cloneDocument(v)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Doc).map(([k, v]) => [k, cloneDocument(v)])) as T;
  }
  return value;
}

/** The filters `ProjectionRunner` writes with: equality on `_id` and dotted paths; a missing field matches null, as in MongoDB. */
export function matchesEqualityFilter(doc: Doc, filter: Record<string, unknown>): boolean {
  return Object.entries(filter).every(([path, expected]) => {
    const actual = path.split('.').reduce<unknown>((value, key) => (value as Doc | undefined)?.[key], doc);
    return (actual ?? null) === (expected ?? null);
  });
}
