import type { CustomerDay } from '../buckets/customer-day';
import type { CustomerHistory } from '../buckets/customer-history';
import type { LoyaltyDay } from '../buckets/loyalty-day';
import type { Ticket } from '../buckets/ticket';
import { identity, type CanonicalId } from '../merges';
import { bucketsOf, previousPeriod, type Granularity, type Period } from '../period';
import { conversion } from './conversion';
import { historicalClv } from './historical-clv';
import { loyaltyEngagement } from './loyalty-engagement';
import { orderValue } from './order-value';
import { repeatPurchase } from './repeat-purchase';
import { retention } from './retention';
import { csat, nps } from './satisfaction';
import { ticketResolution } from './ticket-resolution';

/** What the KPIs are computed from: the buckets of the period (and, for retention, the one before). */
export interface KpiInputs {
  readonly customerDays: readonly CustomerDay[];
  readonly loyaltyDays: readonly LoyaltyDay[];
  readonly tickets: readonly Ticket[];
  /** One per customer as counted now (`historiesByCanonical`). */
  readonly histories: readonly CustomerHistory[];
  readonly canonical: CanonicalId;
}

export type KpiSource = 'customerDays' | 'loyaltyDays' | 'tickets' | 'histories';

/** A headline figure: a number, per-currency amounts, or null for an empty period. */
export type KpiValue = number | null | Record<string, number>;

export interface KpiDefinition {
  readonly name: string;
  readonly title: string;
  /** `ratio` (0–1), `score` (−100…100), `percent`, `hours`, `count`, `minor-units` (per currency). */
  readonly unit: 'ratio' | 'score' | 'percent' | 'hours' | 'count' | 'minor-units';
  readonly sources: readonly KpiSource[];
  /** Reads customer-days of the previous period of the same length too. */
  readonly needsPreviousPeriod: boolean;
  /** The customer-day fields it reads besides `day` and `customerId` (a reader fetches only these). */
  readonly customerDayFields?: readonly (keyof CustomerDay)[];
  compute(inputs: KpiInputs, period: Period): { value: KpiValue; details: object };
}

const kpi = (definition: KpiDefinition): KpiDefinition => definition;

export const KPIS = [
  kpi({
    name: 'retention-rate',
    title: 'Customer retention rate',
    unit: 'ratio',
    sources: ['customerDays'],
    needsPreviousPeriod: true,
    customerDayFields: ['orders'],
    compute: (i, p) => {
      const r = retention(i.customerDays, p, i.canonical);
      return { value: r.retentionRate, details: r };
    },
  }),
  kpi({
    name: 'churn-rate',
    title: 'Churn rate',
    unit: 'ratio',
    sources: ['customerDays'],
    needsPreviousPeriod: true,
    customerDayFields: ['orders'],
    compute: (i, p) => {
      const r = retention(i.customerDays, p, i.canonical);
      return { value: r.churnRate, details: r };
    },
  }),
  kpi({
    name: 'historical-clv',
    title: 'Historical customer lifetime value',
    unit: 'minor-units',
    sources: ['histories'],
    needsPreviousPeriod: false,
    compute: (i, p) => {
      const r = historicalClv(i.histories, p.to);
      return { value: r.historicalClvMinorByCurrency, details: r };
    },
  }),
  kpi({
    name: 'average-order-value',
    title: 'Average order value',
    unit: 'minor-units',
    sources: ['customerDays'],
    needsPreviousPeriod: false,
    customerDayFields: ['orders', 'ordersByCurrency', 'revenueMinorByCurrency', 'refundedMinorByCurrency'],
    compute: (i, p) => {
      const r = orderValue(i.customerDays, p);
      return { value: r.averageOrderValueMinorByCurrency, details: r };
    },
  }),
  kpi({
    name: 'repeat-purchase-rate',
    title: 'Repeat purchase rate',
    unit: 'ratio',
    sources: ['customerDays'],
    needsPreviousPeriod: false,
    customerDayFields: ['orders'],
    compute: (i, p) => {
      const r = repeatPurchase(i.customerDays, p, i.canonical);
      return { value: r.repeatPurchaseRate, details: r };
    },
  }),
  kpi({
    name: 'conversion-rate',
    title: 'Lead → customer conversion rate',
    unit: 'ratio',
    sources: ['customerDays'],
    needsPreviousPeriod: false,
    customerDayFields: ['leads', 'orders', 'opportunityStages'],
    compute: (i, p) => {
      const r = conversion(i.customerDays, p, i.canonical);
      return { value: r.leadConversionRate, details: r };
    },
  }),
  kpi({
    name: 'nps',
    title: 'Net Promoter Score',
    unit: 'score',
    sources: ['customerDays'],
    needsPreviousPeriod: false,
    customerDayFields: ['npsPromoters', 'npsPassives', 'npsDetractors'],
    compute: (i, p) => {
      const r = nps(i.customerDays, p);
      return { value: r.nps, details: r };
    },
  }),
  kpi({
    name: 'csat',
    title: 'Customer satisfaction (CSAT)',
    unit: 'percent',
    sources: ['customerDays'],
    needsPreviousPeriod: false,
    customerDayFields: ['csatResponses', 'csatSatisfied', 'csatScoreSum'],
    compute: (i, p) => {
      const r = csat(i.customerDays, p);
      return { value: r.csatPercent, details: r };
    },
  }),
  kpi({
    name: 'ticket-resolution-time',
    title: 'Ticket resolution time (average)',
    unit: 'hours',
    sources: ['tickets'],
    needsPreviousPeriod: false,
    compute: (i, p) => {
      const r = ticketResolution(i.tickets, p);
      return { value: r.averageHours, details: r };
    },
  }),
  kpi({
    name: 'loyalty-engagement',
    title: 'Loyalty engagement (active members)',
    unit: 'count',
    sources: ['loyaltyDays'],
    needsPreviousPeriod: false,
    compute: (i, p) => {
      const r = loyaltyEngagement(i.loyaltyDays, p, i.canonical);
      return { value: r.activeMembers, details: r };
    },
  }),
] as const satisfies readonly KpiDefinition[];

export type KpiName = (typeof KPIS)[number]['name'];
export const KPI_NAMES = KPIS.map((k) => k.name) as KpiName[];

export const kpiDefinition = (name: string): KpiDefinition | undefined => KPIS.find((k) => k.name === name);

export interface KpiPoint {
  readonly from: string;
  readonly to: string;
  readonly value: KpiValue;
}

export interface KpiReport {
  readonly kpi: string;
  readonly title: string;
  readonly unit: KpiDefinition['unit'];
  readonly value: KpiValue;
  readonly details: object;
  /** The KPI on each bucket of the granularity (each bucket computed as a period of its own). */
  readonly series: KpiPoint[];
}

/** Rows sorted by a day field, so a bucket's rows are one slice (found by binary search). */
class DayIndex<T> {
  private readonly sorted: T[];
  private readonly days: string[];

  constructor(rows: readonly T[], day: (row: T) => string | null) {
    const dated = rows.map((row) => ({ row, day: day(row) ?? '' })).sort((a, b) => (a.day < b.day ? -1 : a.day > b.day ? 1 : 0));
    this.sorted = dated.map((d) => d.row);
    this.days = dated.map((d) => d.day);
  }

  between(from: string, to: string): T[] {
    return this.sorted.slice(this.firstAtOrAfter(from), this.firstAfter(to));
  }

  private firstAtOrAfter(day: string): number {
    let lo = 0;
    let hi = this.days.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.days[mid] < day) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private firstAfter(day: string): number {
    let lo = 0;
    let hi = this.days.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.days[mid] <= day) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

/**
 * The KPIs over the period, and over each of its buckets. Each bucket is computed from only the
 * rows of its days (and of the previous window, for retention), found by binary search in rows
 * sorted once: a year by day is 366 small computations, not 366 passes over the year. The
 * formulas themselves still select their period, so the result is the same as on all rows.
 */
export function kpiReports(definitions: readonly KpiDefinition[], inputs: KpiInputs, period: Period, granularity: Granularity): KpiReport[] {
  const customerDays = new DayIndex(inputs.customerDays, (r) => r.day);
  const loyaltyDays = new DayIndex(inputs.loyaltyDays, (r) => r.day);
  const tickets = new DayIndex(inputs.tickets, (r) => r.resolvedDay);
  const within = (p: Period, withPrevious: boolean): KpiInputs => {
    const from = withPrevious ? previousPeriod(p).from : p.from;
    return { ...inputs, customerDays: customerDays.between(from, p.to), loyaltyDays: loyaltyDays.between(p.from, p.to), tickets: tickets.between(p.from, p.to) };
  };
  const buckets = bucketsOf(period, granularity);
  return definitions.map((definition) => {
    const { value, details } = definition.compute(within(period, definition.needsPreviousPeriod), period);
    const series = buckets.map((bucket) => ({ ...bucket, value: definition.compute(within(bucket, definition.needsPreviousPeriod), bucket).value }));
    return { kpi: definition.name, title: definition.title, unit: definition.unit, value, details, series };
  });
}

/** One KPI over the period, and over each of its buckets. */
export const kpiReport = (definition: KpiDefinition, inputs: KpiInputs, period: Period, granularity: Granularity): KpiReport =>
  kpiReports([definition], inputs, period, granularity)[0];

/** Empty inputs, for tests and for KPIs that read only some sources. */
export const noKpiInputs = (canonical: CanonicalId = identity): KpiInputs => ({ customerDays: [], loyaltyDays: [], tickets: [], histories: [], canonical });
