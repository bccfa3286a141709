/** Facts about one customer that segment rules look at. */
export interface SegmentFacts {
  customerId: string;
  country?: string;
  orders: number;
  /** Lifetime spend in minor units of the customer's first order currency (walking-slice simplification). */
  spendMinor: number;
  registeredAt?: string;
  lastOrderAt?: string;
}

export type Comparison = 'eq' | 'neq' | 'gte' | 'lte' | 'gt' | 'lt';

/** A segment rule as data: every condition must hold. The rule language grows from here. */
export interface SegmentDefinition {
  readonly id: string;
  readonly name: string;
  readonly all: readonly { field: keyof SegmentFacts; op: Comparison; value: string | number }[];
}

export const BUILT_IN_SEGMENTS: readonly SegmentDefinition[] = [
  { id: 'prospects', name: 'Registered, no purchase yet', all: [{ field: 'orders', op: 'eq', value: 0 }] },
  { id: 'repeat-buyers', name: 'Two or more orders', all: [{ field: 'orders', op: 'gte', value: 2 }] },
  { id: 'high-value', name: 'Lifetime spend of 500.00 or more', all: [{ field: 'spendMinor', op: 'gte', value: 50_000 }] },
];

function compare(actual: unknown, op: Comparison, expected: string | number): boolean {
  if (actual === undefined || actual === null) return op === 'neq';
  switch (op) {
    case 'eq':
      return actual === expected;
    case 'neq':
      return actual !== expected;
    case 'gte':
      return (actual as number) >= (expected as number);
    case 'lte':
      return (actual as number) <= (expected as number);
    case 'gt':
      return (actual as number) > (expected as number);
    case 'lt':
      return (actual as number) < (expected as number);
  }
}

export const matchesSegment = (facts: SegmentFacts, segment: SegmentDefinition): boolean =>
  segment.all.every((c) => compare(facts[c.field], c.op, c.value));

export const segmentsOf = (facts: SegmentFacts, segments: readonly SegmentDefinition[]): string[] =>
  segments.filter((s) => matchesSegment(facts, s)).map((s) => s.id);
