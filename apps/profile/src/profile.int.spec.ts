import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { CustomerEventRecord, EventEnvelope } from '@crm/contracts';
import { apiKeyEntry, authHeader, testApiKeyEnv } from '@crm/platform/testing';
import type { ReadSideService } from '@crm/projections';
import { isolatedReadSideEnv, startReadSideApp, stopReadSideApp, type ReadSideTestApp } from '@crm/projections/testing';
import { loadProfileSettings } from './profile.env';
import { ProfileModule } from './profile.module';

// Real MongoDB-wire server and Kafka (infra/local/crm-infra up), isolated per run (isolatedReadSideEnv).
// Besides the test key, one that may only write events (not read profiles).
const WRITER_KEY = 'writer-key-0123456789abcdef';
const settings = loadProfileSettings({
  ...isolatedReadSideEnv('profile'),
  API_KEYS: `${testApiKeyEnv()['API_KEYS']};${apiKeyEntry('event-writer', WRITER_KEY, ['events:write'])}`,
});

let test: ReadSideTestApp;
let app: INestApplication;
let readSide: ReadSideService;

const record = (subject: string, revision: number, type: string, data: Record<string, unknown>, time: string): CustomerEventRecord => {
  const envelope: EventEnvelope = { id: `${subject}-${revision}`, type, schemaVersion: 1, source: 'it', subject, time, data };
  return { envelope, streamRevision: revision, position: String(1000 + revision) };
};

const journey = [
  record('zoe', 0, 'crm.customer.registered', { email: 'zoe@example.com', country: 'NL' }, '2026-05-01T10:00:00.000Z'),
  record('zoe', 1, 'crm.order.completed', { orderId: 'o-1', totalMinor: 2500, currency: 'EUR' }, '2026-05-02T10:00:00.000Z'),
  record('zoe', 2, 'crm.order.completed', { orderId: 'o-2', totalMinor: 1500, currency: 'EUR' }, '2026-05-03T10:00:00.000Z'),
  record('yann', 0, 'crm.customer.registered', { email: 'yann@example.com', country: 'FR' }, '2026-05-01T11:00:00.000Z'),
];

beforeAll(async () => {
  test = await startReadSideApp(ProfileModule.register(settings), settings.kafka);
  ({ app, readSide } = test);
});

afterAll(() => stopReadSideApp(test));

describe('customer profile read model', () => {
  it('projects a journey and serves it by customer id', async () => {
    await readSide.applyToAll(journey);
    const res = await request(app.getHttpServer()).get('/v1/customers/zoe').set(authHeader()).expect(200);
    expect(res.body).toMatchObject({
      customerId: 'zoe',
      email: 'zoe@example.com',
      country: 'NL',
      orders: 2,
      revenueMinorByCurrency: { EUR: 4000 },
      lifecycleStage: 'repeat-customer',
      eventCount: 3,
      _metadata: { name: 'customer-profile', revision: 2, position: '1002' },
    });
  });

  it('counts a redelivered event once (same batch twice, and an overlapping batch)', async () => {
    await readSide.applyToAll(journey);
    await readSide.applyToAll([journey[2], record('zoe', 3, 'crm.order.completed', { orderId: 'o-3', totalMinor: 100, currency: 'EUR' }, '2026-05-04T10:00:00.000Z')]);
    const res = await request(app.getHttpServer()).get('/v1/customers/zoe').set(authHeader()).expect(200);
    expect(res.body).toMatchObject({ orders: 3, revenueMinorByCurrency: { EUR: 4100 }, eventCount: 4, _metadata: { revision: 3 } });
  });

  it('lists customers by country with paging, and 404s an unknown customer', async () => {
    const res = await request(app.getHttpServer()).get('/v1/customers?country=FR&pageSize=10').set(authHeader()).expect(200);
    expect(res.body).toMatchObject({ total: 1, page: 1, pageSize: 10 });
    expect(res.body.items[0].customerId).toBe('yann');
    await request(app.getHttpServer()).get('/v1/customers/nobody').set(authHeader()).expect(404);
  });

  it('rejects bad list filters with field errors', async () => {
    const res = await request(app.getHttpServer()).get('/v1/customers?country=Germany&pageSize=0').set(authHeader()).expect(400);
    expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['country', 'pageSize']);
  });
});

describe('access control', () => {
  const http = () => request(app.getHttpServer());

  it('answers 401 without a key or with an unknown one, naming profiles:read', async () => {
    const res = await http().get('/v1/customers/zoe').expect(401);
    expect(res.body).toMatchObject({ statusCode: 401, message: 'API key required: send x-api-key or Authorization: Bearer', requiredScopes: ['profiles:read'] });
    expect((await http().get('/v1/customers').set('x-api-key', 'nope').expect(401)).body.message).toBe('invalid API key');
  });

  it('answers 403 naming the key and the missing scope', async () => {
    const res = await http().get('/v1/customers/zoe').set('x-api-key', WRITER_KEY).expect(403);
    expect(res.body).toMatchObject({ statusCode: 403, message: 'API key "event-writer" lacks scope profiles:read', missingScopes: ['profiles:read'] });
  });

  it('serves health without a key; /metrics needs metrics:read', async () => {
    await http().get('/health/live').expect(200);
    await http().get('/metrics').expect(401);
    expect((await http().get('/metrics').set('x-api-key', WRITER_KEY).expect(403)).body.missingScopes).toEqual(['metrics:read']);
    await http().get('/metrics').set(authHeader()).expect(200);
  });

  it('answers 429 with Retry-After after RATE_LIMIT_PER_MINUTE requests of one key', async () => {
    const smallLimit = loadProfileSettings({ ...isolatedReadSideEnv('profile'), RATE_LIMIT_PER_MINUTE: '2' });
    const limited = await startReadSideApp(ProfileModule.register(smallLimit), smallLimit.kafka);
    try {
      const call = () => request(limited.app.getHttpServer()).get('/v1/customers?pageSize=1').set(authHeader());
      await call().expect(200);
      await call().expect(200);
      const res = await call().expect(429);
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    } finally {
      await stopReadSideApp(limited);
    }
  });
});
