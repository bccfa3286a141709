import type { INestApplication } from '@nestjs/common';
import { getConnectionToken } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import request from 'supertest';
import {
  bucketsFromEvents,
  canonicalIdsFrom,
  cohortRetention,
  historiesByCanonical,
  kpiReport,
  KPIS,
  type AnalyticsBuckets,
  type Granularity,
  type Period,
} from '@crm/analytics-domain';
import { APRIL, journeys, MERGES, segmentEntered } from '@crm/analytics-domain/testing';
import type { EventEnvelope } from '@crm/contracts';
import { authHeader } from '@crm/platform/testing';
import type { ReadSideService } from '@crm/projections';
import { isolatedReadSideEnv, startReadSideApp, stopReadSideApp, type ReadSideTestApp } from '@crm/projections/testing';
import { loadAnalyticsSettings } from '../analytics.env';
import { AnalyticsModule } from '../analytics.module';
import { deliveries, seededRandom, toRecords } from '../testing/event-records';

// Real MongoDB-wire server and Kafka (infra/local/crm-infra up), isolated per run.
const settings = loadAnalyticsSettings({ ...isolatedReadSideEnv('analytics'), ANALYTICS_REFIT_INTERVAL_MS: '0' });

let test: ReadSideTestApp;
let app: INestApplication;
let readSide: ReadSideService;

// The hand-worked journeys of the domain's tests, plus segment memberships: vip = ana and gus.
const events: EventEnvelope[] = [...journeys(), segmentEntered('ana', '2026-04-01', 'vip'), segmentEntered('gus', '2026-04-01', 'vip'), segmentEntered('ben', '2026-04-01', 'eu')];
const records = toRecords(events);

const COLLECTIONS: Record<keyof AnalyticsBuckets, string> = {
  customerDays: 'customer_days',
  loyaltyDays: 'loyalty_days',
  histories: 'customer_histories',
  tickets: 'tickets',
  memberships: 'segment_memberships',
  merges: 'customer_merges',
};

const get = (path: string) => request(app.getHttpServer()).get(path).set(authHeader()).expect(200).then((r) => r.body);

/** Every stored bucket without storage fields, in a stable order. */
async function storedBuckets(): Promise<Record<string, unknown[]>> {
  const db = app.get<Connection>(getConnectionToken()).db!;
  const out: Record<string, unknown[]> = {};
  for (const [key, collection] of Object.entries(COLLECTIONS)) {
    const docs = await db.collection(collection).find({}, { projection: { _id: 0, _metadata: 0 } }).toArray();
    out[key] = docs.map((d) => JSON.parse(JSON.stringify(d))).sort(byJson);
  }
  return out;
}
const byJson = (a: unknown, b: unknown) => JSON.stringify(a).localeCompare(JSON.stringify(b));
const recomputed = (): Record<string, unknown[]> =>
  Object.fromEntries(Object.entries(bucketsFromEvents(events)).map(([k, v]) => [k, (v as unknown[]).map((d) => JSON.parse(JSON.stringify(d))).sort(byJson)]));

beforeAll(async () => {
  test = await startReadSideApp(AnalyticsModule.register(settings), settings.kafka);
  ({ app, readSide } = test);
  // Delivered as a consumer might: streams interleaved, random batches, stretches redelivered.
  for (const batch of deliveries(records, seededRandom(20260430))) await readSide.applyToAll(batch);
});

afterAll(() => stopReadSideApp(test));

describe('KPIs of seeded journeys', () => {
  it('April gives the hand-worked figures', async () => {
    const body = await get('/v1/kpis?from=2026-04-01&to=2026-04-30&granularity=week');
    expect(body).toMatchObject({ from: '2026-04-01', to: '2026-04-30', segment: null, granularity: 'week' });
    const value = Object.fromEntries(body.kpis.map((k: { kpi: string; value: unknown }) => [k.kpi, k.value]));
    expect(value).toEqual({
      'retention-rate': 2 / 3,
      'churn-rate': 1 / 3,
      'historical-clv': { EUR: 1475, USD: 700 / 6 },
      'average-order-value': { EUR: 1250 },
      'repeat-purchase-rate': 0.4,
      'conversion-rate': 0.5,
      nps: 25,
      csat: 50,
      'ticket-resolution-time': 32 / 3,
      'loyalty-engagement': 3,
    });
    const tickets = body.kpis.find((k: { kpi: string }) => k.kpi === 'ticket-resolution-time');
    expect(tickets.details).toEqual({ resolved: 3, withoutOpening: 1, averageHours: 32 / 3, p90Hours: 24 });
    expect(tickets.series.map((p: { from: string }) => p.from)).toEqual(['2026-04-01', '2026-04-06', '2026-04-13', '2026-04-20', '2026-04-27']);
  });

  it('one KPI with its figures; a segment restricts everything to its members (hal counts as gus)', async () => {
    const aov = await get('/v1/kpis/average-order-value?from=2026-04-01&to=2026-04-30&segment=vip&granularity=month');
    expect(aov).toMatchObject({ kpi: 'average-order-value', unit: 'minor-units', segment: 'vip', value: { EUR: 3500 / 3 }, details: { orders: 3 } });
    expect(aov.series).toEqual([{ from: '2026-04-01', to: '2026-04-30', value: { EUR: 3500 / 3 } }]);
    expect((await get('/v1/kpis/retention-rate?from=2026-04-01&to=2026-04-30&segment=vip')).value).toBe(1);
    expect((await get('/v1/kpis/repeat-purchase-rate?from=2026-04-01&to=2026-04-30&segment=vip')).value).toBe(0.5);
    expect((await get('/v1/kpis/nps?from=2026-04-01&to=2026-04-30&segment=nobody')).value).toBeNull();
  });

  it('cohorts: March (ana, cy, gus) two thirds back in April; April (ben, fay, jon)', async () => {
    const body = await get('/v1/cohorts?from=2026-03-01&to=2026-04-30');
    expect(body.cohorts).toEqual([
      { cohort: '2026-03', size: 3, months: [{ offset: 0, active: 3, retention: 1 }, { offset: 1, active: 2, retention: 2 / 3 }] },
      { cohort: '2026-04', size: 3, months: [{ offset: 0, active: 3, retention: 1 }] },
    ]);
  });

  it('period totals count a merged customer once', async () => {
    expect(await get('/v1/kpis/summary?from=2026-04-01&to=2026-04-30')).toEqual({
      from: '2026-04-01',
      to: '2026-04-30',
      orders: 7,
      revenueMinorByCurrency: { EUR: 8750 },
      newCustomers: 0,
      activeCustomers: 7,
    });
  });

  it('segment sizes', async () => {
    expect(await get('/v1/segment-sizes')).toEqual({
      segments: [
        { segmentId: 'vip', segmentName: 'VIP', members: 2 },
        { segmentId: 'eu', segmentName: 'EU', members: 1 },
      ],
    });
  });

  it('rejects an unknown KPI, granularity or parameter', async () => {
    await request(app.getHttpServer()).get('/v1/kpis/ltv').set(authHeader()).expect(404);
    const bad = await request(app.getHttpServer()).get('/v1/kpis?granularity=year').set(authHeader()).expect(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field)).toEqual(['granularity']);
    await request(app.getHttpServer()).get('/v1/kpis?from=2025-01-01&to=2026-04-30').set(authHeader()).expect(400);
    await request(app.getHttpServer()).get('/v1/cohorts?from=2020-01-01&to=2026-04-30').set(authHeader()).expect(400);
    await request(app.getHttpServer()).get('/v1/kpis').expect(401);
  });
});

describe('incremental aggregates', () => {
  it('equal a recomputation from the raw events, bucket for bucket', async () => {
    expect(await storedBuckets()).toEqual(recomputed());
  });

  it('give the KPIs the formulas give on the recomputed buckets, for every KPI, period, granularity and segment', async () => {
    const buckets = bucketsFromEvents(events);
    const canonical = canonicalIdsFrom(MERGES);
    const cases: [Period, Granularity, string | undefined][] = [
      [APRIL, 'day', undefined],
      [{ from: '2026-03-01', to: '2026-05-31' }, 'month', undefined],
      [{ from: '2026-03-15', to: '2026-04-20' }, 'week', 'vip'],
    ];
    for (const [period, granularity, segment] of cases) {
      const members = segment === 'vip' ? new Set(['ana', 'gus', 'hal']) : null;
      const only = <T extends { customerId: string }>(rows: T[]) => (members ? rows.filter((r) => members.has(r.customerId)) : rows);
      const inputs = {
        customerDays: only(buckets.customerDays),
        loyaltyDays: only(buckets.loyaltyDays),
        tickets: only(buckets.tickets),
        histories: historiesByCanonical(only(buckets.histories), canonical),
        canonical,
      };
      const query = `from=${period.from}&to=${period.to}&granularity=${granularity}${segment ? `&segment=${segment}` : ''}`;
      const body = await get(`/v1/kpis?${query}`);
      expect(body.kpis).toEqual(KPIS.map((definition) => JSON.parse(JSON.stringify(kpiReport(definition, inputs, period, granularity)))));
      const cohorts = await get(`/v1/cohorts?${query.replace(/&granularity=\w+/, '')}`);
      expect(cohorts).toMatchObject(JSON.parse(JSON.stringify(cohortRetention(inputs.histories, period))));
    }
  });

  it('replaying the same events twice more changes nothing, stored or served', async () => {
    const before = await storedBuckets();
    const kpisBefore = await get('/v1/kpis?from=2026-03-01&to=2026-04-30&granularity=week');
    await readSide.applyToAll(records);
    for (const batch of deliveries(records, seededRandom(7))) await readSide.applyToAll(batch);
    expect(await storedBuckets()).toEqual(before);
    expect(await get('/v1/kpis?from=2026-03-01&to=2026-04-30&granularity=week')).toEqual(kpisBefore);
  });
});
