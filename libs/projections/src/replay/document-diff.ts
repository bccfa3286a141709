import { isDeepStrictEqual } from 'node:util';
import type { ProjectionMetadata } from '../document-projection';

/** A read-model document as stored: `_id`, `_metadata` and the projection's state. */
export type StoredReadModelDocument = { _id: string; _metadata?: Partial<ProjectionMetadata> } & Record<string, unknown>;

/**
 * How a live document compares with its rebuilt counterpart:
 * - `same`: same events applied, same content;
 * - `changed`: same events applied, different content (what a projection change produces, or a
 *   live model that went wrong);
 * - `added` / `removed`: only the rebuild / only the live model has it;
 * - `in-flight`: the two have not applied the same events (the live model is ahead of the
 *   rebuild's end position, or still behind it): not a difference in the projection.
 */
export type DocumentComparison = 'same' | 'changed' | 'added' | 'removed' | 'in-flight';

/** What a write stamps and a rebuild cannot reproduce: when, and how many writes it took. */
function comparable(doc: StoredReadModelDocument): Record<string, unknown> {
  const { _metadata, ...state } = doc;
  const { updatedAt: _u, writes: _w, absorbed, ...metadata } = _metadata ?? {};
  return { ...state, _metadata: { ...metadata, ...(absorbed ? { absorbed: [...absorbed].sort() } : {}) } };
}

/** The revisions applied, per stream category: equal maps mean the same events were folded. */
function appliedRevisions(doc: StoredReadModelDocument): Record<string, number> {
  return { customer: doc._metadata?.revision ?? -1, ...(doc._metadata?.revisions ?? {}) };
}

const isBeyond = (doc: StoredReadModelDocument, position: bigint | undefined): boolean =>
  position !== undefined && doc._metadata?.position !== undefined && BigInt(doc._metadata.position) > position;

/**
 * Compares one document id across the two models. `rebuiltUpTo` is the last log position the
 * rebuild applied: a live document that has applied events beyond it is in flight, not different.
 */
export function compareDocuments(
  live: StoredReadModelDocument | undefined,
  rebuilt: StoredReadModelDocument | undefined,
  rebuiltUpTo?: bigint,
): DocumentComparison {
  if (!live && !rebuilt) return 'same';
  if (!live) return 'added';
  if (!rebuilt) return isBeyond(live, rebuiltUpTo) ? 'in-flight' : 'removed';
  if (!isDeepStrictEqual(appliedRevisions(live), appliedRevisions(rebuilt))) return 'in-flight';
  return isDeepStrictEqual(comparable(live), comparable(rebuilt)) ? 'same' : 'changed';
}

/** Top-level fields whose values differ (`_metadata` included when its comparable part does). */
export function changedFields(live: StoredReadModelDocument, rebuilt: StoredReadModelDocument): string[] {
  const a = comparable(live);
  const b = comparable(rebuilt);
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((k) => !isDeepStrictEqual(a[k], b[k])).sort();
}

export interface DiffExample {
  readonly id: string;
  readonly comparison: Exclude<DocumentComparison, 'same'>;
  /** For `changed`: the fields that differ. */
  readonly fields?: readonly string[];
  /** For `in-flight`: the revisions each side has applied, per stream category. */
  readonly revisions?: { readonly live: Readonly<Record<string, number>>; readonly rebuilt: Readonly<Record<string, number>> };
}

export interface DiffSummary {
  readonly liveDocuments: number;
  readonly rebuiltDocuments: number;
  readonly same: number;
  readonly changed: number;
  readonly added: number;
  readonly removed: number;
  readonly inFlight: number;
  /** Changed fields and how many documents each differs in. */
  readonly changedFields: Readonly<Record<string, number>>;
  /** The first few differing documents, for a look. */
  readonly examples: readonly DiffExample[];
}

/** Whether a rebuild reproduced the live model exactly (in-flight documents aside). */
export const rebuildMatchesLive = (diff: DiffSummary): boolean => diff.changed === 0 && diff.added === 0 && diff.removed === 0;

/** Accumulates comparisons into a `DiffSummary`. */
export class DiffAccumulator {
  private counts = { liveDocuments: 0, rebuiltDocuments: 0, same: 0, changed: 0, added: 0, removed: 0, inFlight: 0 };
  private readonly fields: Record<string, number> = {};
  private readonly examples: DiffExample[] = [];
  /** Ids of documents in flight whose live copy is behind the rebuild (their live events are not all applied yet). */
  readonly liveBehind: string[] = [];

  constructor(
    private readonly rebuiltUpTo?: bigint,
    private readonly maxExamples = 20,
  ) {}

  add(live: StoredReadModelDocument | undefined, rebuilt: StoredReadModelDocument | undefined): DocumentComparison {
    if (live) this.counts.liveDocuments++;
    if (rebuilt) this.counts.rebuiltDocuments++;
    const comparison = compareDocuments(live, rebuilt, this.rebuiltUpTo);
    const id = live?._id ?? rebuilt?._id ?? '';
    switch (comparison) {
      case 'same':
        this.counts.same++;
        return comparison;
      case 'changed': {
        this.counts.changed++;
        const fields = live && rebuilt ? changedFields(live, rebuilt) : [];
        for (const f of fields) this.fields[f] = (this.fields[f] ?? 0) + 1;
        this.example({ id, comparison, fields });
        return comparison;
      }
      case 'added':
        this.counts.added++;
        this.liveBehind.push(id); // the live model lacks it: not consumed yet, or lost
        this.example({ id, comparison });
        return comparison;
      case 'removed':
        this.counts.removed++;
        this.example({ id, comparison });
        return comparison;
      case 'in-flight':
        this.counts.inFlight++;
        if (isLiveBehind(live, rebuilt)) this.liveBehind.push(id);
        this.example({ id, comparison, revisions: { live: live ? appliedRevisions(live) : {}, rebuilt: rebuilt ? appliedRevisions(rebuilt) : {} } });
        return comparison;
    }
  }

  summary(): DiffSummary {
    return { ...this.counts, changedFields: { ...this.fields }, examples: [...this.examples] };
  }

  private example(example: DiffExample): void {
    if (this.examples.length < this.maxExamples) this.examples.push(example);
  }
}

/** The live document lacks an event the rebuild applied (it has not consumed it yet). */
export function isLiveBehind(live: StoredReadModelDocument | undefined, rebuilt: StoredReadModelDocument | undefined): boolean {
  if (!rebuilt) return false;
  if (!live) return true;
  const l = appliedRevisions(live);
  return Object.entries(appliedRevisions(rebuilt)).some(([lane, revision]) => (l[lane] ?? -1) < revision);
}
