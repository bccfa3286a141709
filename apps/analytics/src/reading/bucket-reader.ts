import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model, mongo } from 'mongoose';
import {
  canonicalIdsFrom,
  emptyCustomerHistory,
  historiesByCanonical,
  previousPeriod,
  type CanonicalId,
  type CustomerDay,
  type CustomerHistory,
  type KpiInputs,
  type KpiSource,
  type LoyaltyDay,
  type Period,
  type SegmentMembership,
  type Ticket,
} from '@crm/analytics-domain';
import { CUSTOMER_DAY_MODEL } from '../buckets/customer-day.read-model';
import { CUSTOMER_HISTORY_MODEL } from '../buckets/customer-history.read-model';
import { CUSTOMER_MERGE_MODEL } from '../buckets/customer-merge.read-model';
import { LOYALTY_DAY_MODEL } from '../buckets/loyalty-day.read-model';
import { SEGMENT_MEMBERSHIP_MODEL } from '../buckets/segment-membership.read-model';
import { TICKET_MODEL } from '../buckets/ticket.read-model';

type AnyModel = Model<Record<string, unknown>>;

/** Segments up to this many ids are selected with `$in` by the server; larger ones are filtered as rows arrive. */
const SERVER_FILTER_MAX_IDS = 500;
type Filter = mongo.Filter<mongo.Document>;

/** Documents as stored, without `_id` and `_metadata`, which the formulas do not read. */
const WITHOUT_STORAGE_FIELDS = { _id: 0, _metadata: 0 } as const;

/**
 * What each use of the customer histories reads: a history's order-id list (kept only to attribute
 * refunds) is never needed here, and each use leaves out what it does not look at, so a request
 * over every customer stays small in memory. Left-out fields read as empty.
 */
export const HISTORY_FIELDS = {
  /** Historical CLV: purchases and refunds by day. */
  clv: { orders: 0, openTickets: 0 },
  /** Cohorts: purchase days. */
  cohorts: { orders: 0, openTickets: 0, refunds: 0 },
  /** Purchase models and churn risk: purchase days, open tickets, the last detractor answer. */
  models: { orders: 0, refunds: 0 },
} as const;
export type HistoryUse = keyof typeof HISTORY_FIELDS;

/** The population a query is about: everyone, or the ids (survivors and the ids merged into them) of a segment's members. */
export interface Scope {
  readonly canonical: CanonicalId;
  /** Ids whose documents count; null: every customer. */
  readonly customerIds: ReadonlySet<string> | null;
}

/**
 * Reads the buckets a query needs: documents of the period's days (one per active customer-day),
 * tickets resolved in it, per-customer histories — never events. Merged customers are resolved
 * here (from the small `customer_merges` collection) and a segment restricts every read to its
 * current members.
 */
@Injectable()
export class BucketReader {
  constructor(
    @InjectModel(CUSTOMER_DAY_MODEL) private readonly customerDays: AnyModel,
    @InjectModel(LOYALTY_DAY_MODEL) private readonly loyaltyDays: AnyModel,
    @InjectModel(CUSTOMER_HISTORY_MODEL) private readonly histories: AnyModel,
    @InjectModel(TICKET_MODEL) private readonly tickets: AnyModel,
    @InjectModel(SEGMENT_MEMBERSHIP_MODEL) private readonly memberships: AnyModel,
    @InjectModel(CUSTOMER_MERGE_MODEL) private readonly customerMerges: AnyModel,
  ) {}

  /** `merged → survivor` pairs of every merge analytics has seen. */
  async merges(): Promise<[string, string][]> {
    const rows = await this.customerMerges.collection.find({}, { projection: { _id: 0, mergedId: 1, survivorId: 1 } }).toArray();
    return rows.map((r) => [r['mergedId'] as string, r['survivorId'] as string]);
  }

  async scope(segmentId?: string): Promise<Scope> {
    const merges = await this.merges();
    const canonical = canonicalIdsFrom(merges);
    if (segmentId === undefined) return { canonical, customerIds: null };
    const members = await this.memberships.collection.find({ 'segments.segmentId': segmentId }, { projection: { _id: 0, customerId: 1 } }).toArray();
    const wanted = new Set(members.map((m) => canonical(m['customerId'] as string)));
    const ids = new Set(wanted);
    for (const [mergedId] of merges) if (wanted.has(canonical(mergedId))) ids.add(mergedId);
    return { canonical, customerIds: ids };
  }

  /**
   * The buckets some KPIs need over a period: customer-days (with only `fields`, when given, besides
   * `day` and `customerId`), loyalty-days and tickets of the period, and customer histories.
   */
  async kpiInputs(sources: ReadonlySet<KpiSource>, period: Period, withPreviousPeriod: boolean, scope: Scope, fields?: readonly string[]): Promise<KpiInputs> {
    const from = withPreviousPeriod ? previousPeriod(period).from : period.from;
    const [customerDays, loyaltyDays, tickets, histories] = await Promise.all([
      sources.has('customerDays') ? this.customerDaysIn({ from, to: period.to }, scope, fields) : [],
      sources.has('loyaltyDays') ? this.find<LoyaltyDay>(this.loyaltyDays, { day: { $gte: period.from, $lte: period.to } }, scope) : [],
      sources.has('tickets') ? this.find<Ticket>(this.tickets, { resolvedDay: { $gte: period.from, $lte: period.to } }, scope) : [],
      sources.has('histories') ? this.historiesOf(scope, 'clv') : [],
    ]);
    return { customerDays, loyaltyDays, tickets, histories, canonical: scope.canonical };
  }

  /**
   * Day keys are `YYYY-MM-DD` strings, so a string range selects whole days in order. Only the
   * `fields` asked for are read (all but `events`, which no figure reads, without them).
   */
  customerDaysIn(period: Period, scope: Scope, fields?: readonly string[]): Promise<CustomerDay[]> {
    const projection: Record<string, 0 | 1> = fields === undefined ? { events: 0 } : { day: 1, customerId: 1, ...Object.fromEntries(fields.map((f) => [f, 1 as const])) };
    return this.find<CustomerDay>(this.customerDays, { day: { $gte: period.from, $lte: period.to } }, scope, projection);
  }

  /** One history per customer as counted now (a survivor's includes those merged into it), with the fields `use` reads. */
  async historiesOf(scope: Scope, use: HistoryUse): Promise<CustomerHistory[]> {
    const rows = await this.find(this.histories, {}, scope, HISTORY_FIELDS[use], (row: Partial<CustomerHistory> & { customerId: string }) => ({
      ...emptyCustomerHistory(row.customerId, row.firstSeenDay ?? ''),
      ...row,
    }));
    return historiesByCanonical(rows, scope.canonical);
  }

  async loyaltyDaysIn(period: Period, filter: Filter = {}): Promise<LoyaltyDay[]> {
    return this.find<LoyaltyDay>(this.loyaltyDays, { ...filter, day: { $gte: period.from, $lte: period.to } }, { canonical: (id) => id, customerIds: null });
  }

  async segmentMemberships(): Promise<SegmentMembership[]> {
    return this.find<SegmentMembership>(this.memberships, {}, { canonical: (id) => id, customerIds: null });
  }

  /**
   * Reads through a cursor, turning each document into what the formulas need as it arrives, so a
   * request over many customers never holds the raw documents and their copies at once.
   */
  private async find<T, R = T>(
    model: AnyModel,
    filter: Filter,
    scope: Scope,
    projection: Record<string, 0 | 1> = {},
    map: (row: R) => T = (row) => row as unknown as T,
  ): Promise<T[]> {
    // A small segment is selected by the server; a large one is filtered here, as the rows arrive:
    // a long `$in` list costs more on some servers (every document against every id) than it saves.
    const ids = scope.customerIds;
    const byServer = ids !== null && ids.size <= SERVER_FILTER_MAX_IDS;
    const scoped = byServer ? { ...filter, customerId: { $in: [...ids] } } : filter;
    const keep = ids === null || byServer ? () => true : (row: mongo.Document) => ids.has(row['customerId'] as string);
    // An inclusion projection names its fields; an exclusion one drops the storage fields too.
    const including = Object.values(projection).some((v) => v === 1);
    const fields = including ? { _id: 0, ...projection } : { ...WITHOUT_STORAGE_FIELDS, ...projection };
    const rows: T[] = [];
    for await (const row of model.collection.find(scoped, { projection: fields, batchSize: 1_000 })) if (keep(row)) rows.push(map(row as unknown as R));
    return rows;
  }
}
