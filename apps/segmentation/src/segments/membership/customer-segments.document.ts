import type { CustomerFacts, CustomerSegments } from '@crm/segmentation-domain';

/**
 * How one customer's read model is stored: what rules read packed as one JSON string (`state`),
 * and beside it only what is queried — the segment ids (members, counts), the next due time (the
 * sweep), the survivor of a merge (redirects) — and the count of changes made without an event.
 * A back-fill reads every customer, and the local MongoDB-wire server's cost of reading a document
 * grows with its number of BSON fields more than with its bytes: the packed form read about a
 * quarter faster than the same state as fields, side by side. Rules are judged in the service, so
 * nothing queries inside `state`.
 */
export interface StoredCustomerSegments {
  /** JSON of `PackedState`. */
  readonly state: string;
  readonly segments: string[];
  readonly reevaluateAt: Date | null;
  readonly mergedInto?: string;
  /** Membership changes made without an event (sweep, back-fill) so far: it names their events. */
  readonly changeSeq?: number;
}

interface PackedState {
  readonly customerId: string;
  readonly asOf: number;
  readonly facts: CustomerFacts;
  readonly erasedAt?: number;
}

export function toStored(state: CustomerSegments, previous?: Pick<StoredCustomerSegments, 'changeSeq'> | null): StoredCustomerSegments {
  const packed: PackedState = {
    customerId: state.customerId,
    asOf: state.asOf,
    facts: state.facts,
    ...(state.erasedAt !== undefined ? { erasedAt: state.erasedAt } : {}),
  };
  return {
    state: JSON.stringify(packed),
    segments: [...state.segments],
    reevaluateAt: state.reevaluateAt === null ? null : new Date(state.reevaluateAt),
    ...(state.mergedInto !== undefined ? { mergedInto: state.mergedInto } : {}),
    ...(previous?.changeSeq !== undefined ? { changeSeq: previous.changeSeq } : {}),
  };
}

export function fromStored(stored: StoredCustomerSegments): CustomerSegments {
  if (typeof stored.state !== 'string') return fromSchemaVersion1(stored as unknown as Record<string, unknown>);
  const packed = JSON.parse(stored.state) as PackedState;
  return {
    customerId: packed.customerId,
    facts: packed.facts,
    segments: stored.segments ?? [],
    asOf: packed.asOf,
    reevaluateAt: stored.reevaluateAt ? new Date(stored.reevaluateAt).getTime() : null,
    ...(stored.mergedInto !== undefined ? { mergedInto: stored.mergedInto } : {}),
    ...(packed.erasedAt !== undefined ? { erasedAt: packed.erasedAt } : {}),
  };
}

/** The facts alone, for readers that need nothing else (RFM thresholds). */
export const factsOf = (stored: Pick<StoredCustomerSegments, 'state'>): CustomerFacts | null =>
  typeof stored.state === 'string' ? (JSON.parse(stored.state) as PackedState).facts : null;

/**
 * Documents written before the state was packed (schema version 1: `country`, `orders`,
 * `spendMinor`, `spendCurrency`, `registeredAt`, `lastOrderAt` at the top level) read as facts
 * without history, so a running installation keeps working until it is rebuilt from the log.
 */
function fromSchemaVersion1(doc: Record<string, unknown>): CustomerSegments {
  const time = (v: unknown) => (typeof v === 'string' && Number.isFinite(Date.parse(v)) ? Date.parse(v) : undefined);
  const facts: Record<string, unknown> = {
    orders: typeof doc['orders'] === 'number' ? doc['orders'] : 0,
    spendMinor: typeof doc['spendMinor'] === 'number' ? doc['spendMinor'] : 0,
    activity: {},
  };
  if (typeof doc['country'] === 'string') facts['country'] = doc['country'];
  if (typeof doc['spendCurrency'] === 'string') facts['spendCurrency'] = doc['spendCurrency'];
  if (time(doc['registeredAt']) !== undefined) facts['registeredAt'] = time(doc['registeredAt']);
  if (time(doc['lastOrderAt']) !== undefined) facts['lastOrderAt'] = time(doc['lastOrderAt']);
  return {
    customerId: String(doc['customerId'] ?? doc['_id']),
    facts: facts as unknown as CustomerFacts,
    segments: Array.isArray(doc['segments']) ? (doc['segments'] as string[]) : [],
    asOf: Math.max(0, ...[facts['registeredAt'], facts['lastOrderAt']].filter((t): t is number => typeof t === 'number')),
    reevaluateAt: null,
    ...(typeof doc['mergedInto'] === 'string' ? { mergedInto: doc['mergedInto'] } : {}),
  };
}
