import type { RfmDimension } from '../rules/segment-rule';

/** What RFM scoring reads of a customer (a subset of CustomerFacts). */
export interface RfmInput {
  readonly orders: number;
  readonly spendMinor: number;
  readonly spendCurrency?: string;
  readonly lastOrderAt?: number;
}

export type RfmScores = Readonly<Record<RfmDimension, number>>;

/**
 * Quintile cut-offs over the customer base: for each dimension four values, the highest of the
 * lowest 20 %, 40 %, 60 % and 80 %. Recency is ranked by the time of the last order (later is
 * better), so a score moves only when the customer orders or the thresholds are recomputed, never
 * with the clock. Monetary is ranked within each currency: amounts in different currencies are
 * never compared.
 */
export interface RfmThresholds {
  readonly computedAt: number;
  /** Customers with at least one completed order: the ranked base. */
  readonly population: number;
  readonly recency: readonly number[];
  readonly frequency: readonly number[];
  readonly monetary: Readonly<Record<string, readonly number[]>>;
}

/** Collects the base one customer at a time (a streamed read), then computes the thresholds. */
export class RfmThresholdsBuilder {
  private readonly recency: number[] = [];
  private readonly frequency: number[] = [];
  private readonly monetary = new Map<string, number[]>();

  add(customer: RfmInput): void {
    if (customer.orders < 1 || customer.lastOrderAt === undefined) return;
    this.recency.push(customer.lastOrderAt);
    this.frequency.push(customer.orders);
    if (customer.spendCurrency) {
      const list = this.monetary.get(customer.spendCurrency) ?? [];
      list.push(customer.spendMinor);
      this.monetary.set(customer.spendCurrency, list);
    }
  }

  /** Null when no customer has ordered yet: there is nothing to rank. */
  build(computedAt: number): RfmThresholds | null {
    if (this.recency.length === 0) return null;
    const monetary: Record<string, readonly number[]> = {};
    for (const currency of [...this.monetary.keys()].sort()) monetary[currency] = quintileCutoffs(this.monetary.get(currency) ?? []);
    return {
      computedAt,
      population: this.recency.length,
      recency: quintileCutoffs(this.recency),
      frequency: quintileCutoffs(this.frequency),
      monetary,
    };
  }
}

export function computeRfmThresholds(customers: Iterable<RfmInput>, computedAt: number): RfmThresholds | null {
  const builder = new RfmThresholdsBuilder();
  for (const customer of customers) builder.add(customer);
  return builder.build(computedAt);
}

/** The four cut-offs of a non-empty list: the values at ranks ⌈n·k/5⌉ (k = 1…4) in ascending order. */
export function quintileCutoffs(values: readonly number[]): number[] {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  return [1, 2, 3, 4].map((k) => sorted[Math.max(0, Math.ceil((n * k) / 5) - 1)]);
}

/** 1 + the number of cut-offs the value is above: ties share the lower score. */
export const quintileScore = (value: number, cutoffs: readonly number[]): number => 1 + cutoffs.filter((c) => value > c).length;

/** A customer's scores, or null when they have not ordered or no thresholds exist yet. */
export function rfmScores(customer: RfmInput, thresholds: RfmThresholds | null): RfmScores | null {
  if (!thresholds || customer.orders < 1 || customer.lastOrderAt === undefined) return null;
  const monetary = customer.spendCurrency ? thresholds.monetary[customer.spendCurrency] : undefined;
  return {
    recency: quintileScore(customer.lastOrderAt, thresholds.recency),
    frequency: quintileScore(customer.orders, thresholds.frequency),
    // A currency nobody else spends in yet ranks the customer alone: the bottom quintile.
    monetary: monetary ? quintileScore(customer.spendMinor, monetary) : 1,
  };
}

/** Equal cut-offs score every customer alike, whenever they were computed. */
export function sameRfmCutoffs(a: RfmThresholds | null, b: RfmThresholds | null): boolean {
  if (a === null || b === null) return a === b;
  const same = (x: readonly number[], y: readonly number[]) => x.length === y.length && x.every((v, i) => v === y[i]);
  const currencies = Object.keys(a.monetary);
  return (
    same(a.recency, b.recency) &&
    same(a.frequency, b.frequency) &&
    currencies.length === Object.keys(b.monetary).length &&
    currencies.every((c) => b.monetary[c] !== undefined && same(a.monetary[c], b.monetary[c]))
  );
}
