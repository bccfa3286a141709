import request from 'supertest';
import { apiKeyEntry, authHeader, testApiKeyEnv } from '@crm/platform/testing';
import { day, recordFactory } from './testing/records';
import { profileTestSettings, startProfileApp, stopProfileApp, type ProfileTestApp } from './testing/profile-test-app';

// Real MongoDB-wire server, Kafka and PostgreSQL (infra/local/crm-infra up), isolated per run.
// Besides the test key, one that may only write events (not read profiles).
const WRITER_KEY = 'writer-key-0123456789abcdef';
const settings = profileTestSettings({ API_KEYS: `${testApiKeyEnv()['API_KEYS']};${apiKeyEntry('event-writer', WRITER_KEY, ['events:write'])}` });

let test: ProfileTestApp;
const r = recordFactory(1000);
const journey = [
  r('zoe', 'crm.customer.registered', { email: 'zoe@example.com', country: 'NL' }, day(0)),
  r('zoe', 'crm.order.completed', { orderId: 'o-1', totalMinor: 2500, currency: 'EUR' }, day(1)),
  r('zoe', 'crm.order.completed', { orderId: 'o-2', totalMinor: 1500, currency: 'EUR' }, day(2)),
  r('yann', 'crm.customer.registered', { email: 'yann@example.com', country: 'FR' }, day(0, 1)),
];

beforeAll(async () => {
  test = await startProfileApp(settings);
}, 90_000);

afterAll(() => stopProfileApp(test), 60_000);

describe('customer profile read model', () => {
  it('projects a journey and serves it by customer id', async () => {
    await test.readSide.applyToAll(journey);
    const res = await test.get('/v1/customers/zoe').expect(200);
    expect(res.body).toMatchObject({
      customerId: 'zoe',
      email: 'zoe@example.com',
      country: 'NL',
      orders: 2,
      revenueMinorByCurrency: { EUR: 4000 },
      lifecycleStage: 'repeat-customer',
      eventCount: 3,
      _metadata: { name: 'customer-profile', revision: 2, position: journey[2].position },
    });
  });

  it('counts a redelivered event once (same batch twice, and an overlapping batch)', async () => {
    await test.readSide.applyToAll(journey);
    await test.readSide.applyToAll([journey[2], r('zoe', 'crm.order.completed', { orderId: 'o-3', totalMinor: 100, currency: 'EUR' }, day(3))]);
    const res = await test.get('/v1/customers/zoe').expect(200);
    expect(res.body).toMatchObject({ orders: 3, revenueMinorByCurrency: { EUR: 4100 }, eventCount: 4, _metadata: { revision: 3 } });
  });

  it('lists customers by country with paging, and 404s an unknown customer', async () => {
    const res = await test.get('/v1/customers?country=FR&pageSize=10').expect(200);
    expect(res.body).toMatchObject({ total: 1, page: 1, pageSize: 10 });
    expect(res.body.items[0].customerId).toBe('yann');
    await test.get('/v1/customers/nobody').expect(404);
  });

  it('rejects bad list filters with field errors', async () => {
    const res = await test.get('/v1/customers?country=Germany&pageSize=0').expect(400);
    expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['country', 'pageSize']);
  });
});

describe('access control', () => {
  const http = () => request(test.app.getHttpServer());

  it('answers 401 without a key or with an unknown one, naming profiles:read', async () => {
    const res = await http().get('/v1/customers/zoe').expect(401);
    expect(res.body).toMatchObject({ statusCode: 401, message: 'API key required: send x-api-key or Authorization: Bearer', requiredScopes: ['profiles:read'] });
    expect((await http().get('/v1/customers').set('x-api-key', 'nope').expect(401)).body.message).toBe('invalid API key');
    await http().get('/v1/customers/zoe/timeline').expect(401);
    await http().get('/v1/customers:lookup?kind=email&value=zoe@example.com').expect(401);
  });

  it('answers 403 naming the key and the missing scope', async () => {
    const res = await http().get('/v1/customers/zoe').set('x-api-key', WRITER_KEY).expect(403);
    expect(res.body).toMatchObject({ statusCode: 403, message: 'API key "event-writer" lacks scope profiles:read', missingScopes: ['profiles:read'] });
    await http().get('/v1/customers/zoe/timeline').set('x-api-key', WRITER_KEY).expect(403);
  });

  it('serves health without a key; /metrics needs metrics:read', async () => {
    await http().get('/health/live').expect(200);
    await http().get('/metrics').expect(401);
    expect((await http().get('/metrics').set('x-api-key', WRITER_KEY).expect(403)).body.missingScopes).toEqual(['metrics:read']);
    await http().get('/metrics').set(authHeader()).expect(200);
  });

  it('answers 429 with Retry-After after RATE_LIMIT_PER_MINUTE requests of one key', async () => {
    const limited = await startProfileApp(profileTestSettings({ RATE_LIMIT_PER_MINUTE: '2' }));
    try {
      const call = () => limited.get('/v1/customers?pageSize=1');
      await call().expect(200);
      await call().expect(200);
      const res = await call().expect(429);
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    } finally {
      await stopProfileApp(limited);
    }
  }, 90_000);
});

describe('settings', () => {
  it('refuses lifecycle rules that contradict each other, listing every problem', () => {
    expect(() => profileTestSettings({ PROFILE_AT_RISK_AFTER_DAYS: '200', PROFILE_CHURNED_AFTER_DAYS: '100', PROFILE_SWEEP_INTERVAL_MS: '5' })).toThrow(
      /PROFILE_SWEEP_INTERVAL_MS/,
    );
    expect(() => profileTestSettings({ PROFILE_AT_RISK_AFTER_DAYS: '200', PROFILE_CHURNED_AFTER_DAYS: '100' })).toThrow(/churnedAfterDays must be more than atRiskAfterDays/);
    expect(profileTestSettings({ PROFILE_INACTIVITY_BASIS: 'activity', PROFILE_LOYAL_MIN_ORDERS: '6' }).lifecycle).toMatchObject({ inactivityBasis: 'activity', loyalMinOrders: 6 });
  });
});
