import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { bucketsFromEvents, canonicalIdsFrom, historiesByCanonical, isRecent, runPurchaseModels } from '@crm/analytics-domain';
import { journeys, MERGES, segmentEntered } from '@crm/analytics-domain/testing';
import { authHeader } from '@crm/platform/testing';
import type { ReadSideService } from '@crm/projections';
import { isolatedReadSideEnv, startReadSideApp, stopReadSideApp, type ReadSideTestApp } from '@crm/projections/testing';
import { loadAnalyticsSettings } from '../analytics.env';
import { AnalyticsModule } from '../analytics.module';
import { todayUtc } from '../http/period.query';
import { deliveries, seededRandom, toRecords } from '../testing/event-records';

const settings = loadAnalyticsSettings({ ...isolatedReadSideEnv('analytics'), ANALYTICS_REFIT_INTERVAL_MS: '0', ANALYTICS_AT_RISK_THRESHOLD: '0.5' });

let test: ReadSideTestApp;
let app: INestApplication;
let readSide: ReadSideService;

const events = [...journeys(), segmentEntered('ana', '2026-04-01', 'vip'), segmentEntered('gus', '2026-04-01', 'vip')];
const http = () => request(app.getHttpServer());

beforeAll(async () => {
  test = await startReadSideApp(AnalyticsModule.register(settings), settings.kafka);
  ({ app, readSide } = test);
});

afterAll(() => stopReadSideApp(test));

describe('purchase models and predictions', () => {
  it('have nothing to fit or show before any order', async () => {
    await http().post('/v1/models/refit').set(authHeader()).expect(409);
    await http().get('/v1/models/current').set(authHeader()).expect(404);
    await http().get('/v1/predictions/ana').set(authHeader()).expect(404);
    expect((await http().get('/v1/at-risk').set(authHeader()).expect(200)).body).toEqual({ asOf: null, threshold: null, segment: null, total: 0, customers: [] });
  });

  it('refit on request from the per-customer histories: the parameters, predictions and risks of the domain’s model run', async () => {
    for (const batch of deliveries(toRecords(events), seededRandom(11))) await readSide.applyToAll(batch);
    const fit = (await http().post('/v1/models/refit').set(authHeader()).expect(201)).body;
    const asOf = todayUtc();
    const canonical = canonicalIdsFrom(MERGES);
    // gus's tier downgrade of 20 April counts only while it is recent
    const downgraded = new Set(isRecent('2026-04-20', asOf) ? ['gus'] : []);
    const expected = runPurchaseModels(historiesByCanonical(bucketsFromEvents(events).histories, canonical), downgraded, {
      asOf,
      currency: 'EUR',
      purchaseHorizonWeeks: 13,
      clvHorizonMonths: 12,
      clvMonthlyDiscountRate: 0.01,
      atRiskThreshold: 0.5,
    })!;
    expect(fit).toMatchObject({ asOf, currency: 'EUR', customers: 6, atRiskCustomers: expected.customers.filter((c) => c.atRisk).length });
    expect(fit.bgNbd).toEqual(JSON.parse(JSON.stringify(expected.models.bgNbd)));
    expect(fit.gammaGamma).toEqual(JSON.parse(JSON.stringify(expected.models.gammaGamma)));
    expect(fit.repeatPurchaseCounts).toEqual(JSON.parse(JSON.stringify(expected.repeatPurchaseCounts)));
    expect((await http().get('/v1/models/current').set(authHeader()).expect(200)).body).toEqual(fit);

    const page = (await http().get('/v1/predictions?pageSize=10').set(authHeader()).expect(200)).body;
    expect(page).toMatchObject({ asOf, page: 1, pageSize: 10, total: 6 });
    const byId = new Map(expected.customers.map((c) => [c.customerId, JSON.parse(JSON.stringify(c))]));
    for (const p of page.customers) {
      const segmentIds = ['ana', 'gus'].includes(p.customerId) ? ['vip'] : [];
      expect(p).toEqual({ ...byId.get(p.customerId), fitId: fit._id, asOf, churnRiskScore: p.churnRisk.score, segmentIds });
    }
    const clvs = page.customers.map((p: { predictedClvMinor: number | null }) => p.predictedClvMinor ?? -Infinity);
    expect(clvs).toEqual([...clvs].sort((a, b) => b - a));
  });

  it('serve one customer, following a merge to the survivor', async () => {
    const gus = (await http().get('/v1/predictions/gus').set(authHeader()).expect(200)).body;
    expect(gus).toMatchObject({ customerId: 'gus', frequency: 2, openTickets: 1 });
    expect((await http().get('/v1/predictions/hal').set(authHeader()).expect(200)).body).toEqual({ ...gus, redirectedFrom: 'hal' });
    await http().get('/v1/predictions/ivy').set(authHeader()).expect(404); // a lead who never bought
  });

  it('list the at-risk customers, highest risk first, optionally one segment', async () => {
    const all = (await http().get('/v1/at-risk').set(authHeader()).expect(200)).body;
    expect(all).toMatchObject({ asOf: todayUtc(), threshold: 0.5, segment: null });
    const scores = all.customers.map((c: { churnRisk: { score: number } }) => c.churnRisk.score);
    expect(scores.every((s: number) => s >= 0.5)).toBe(true);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    const everyone = (await http().get('/v1/predictions?sort=churn-risk&pageSize=500').set(authHeader()).expect(200)).body.customers;
    expect(all.total).toBe(everyone.filter((c: { atRisk: boolean }) => c.atRisk).length);
    const vip = (await http().get('/v1/at-risk?segment=vip').set(authHeader()).expect(200)).body;
    expect(vip.customers.every((c: { customerId: string }) => ['ana', 'gus'].includes(c.customerId))).toBe(true);
    expect(vip.total).toBe(all.customers.filter((c: { customerId: string }) => ['ana', 'gus'].includes(c.customerId)).length);
  });

  it('needs scope analytics:refit to refit', async () => {
    await http().post('/v1/models/refit').expect(401);
  });
});
