import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Kafka, logLevel } from 'kafkajs';
import request from 'supertest';
import { EventHeaders } from '@crm/contracts';
import type { EventStore } from '@crm/event-store';
import { apiKeyEntry, authHeader, testApiKeyEnv } from '@crm/platform/testing';
import { EVENT_STORE } from './events/event-store.provider';
import { dropIngestTestData } from './testing/ingest-test-data';
import { loadIngestSettings } from './ingest.env';
import { IngestModule } from './ingest.module';

// Runs against the real servers (infra/local/crm-infra up): PostgreSQL event store, Kafka relay.
// A fresh schema and topic prefix isolate this run from anything else on the same servers.
const stamp = `${Date.now()}${Math.floor(Math.random() * 1000)}`;
// Two keys: the test key (every scope) and one that may only read profiles.
const READER_KEY = `reader-${stamp}-0123456789abcdef`;
const env = {
  ...process.env,
  API_KEYS: `${testApiKeyEnv()['API_KEYS']};${apiKeyEntry('profile-reader', READER_KEY, ['profiles:read'])}`,
  POSTGRES_SCHEMA: `it_ingest_${stamp}`,
  KAFKA_TOPIC_PREFIX: `it${stamp}.`,
  LOG_LEVEL: 'warn',
};
const settings = loadIngestSettings(env);
const http = () => request(app.getHttpServer());

let app: INestApplication;
let store: EventStore;

const waitFor = async <T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

beforeAll(async () => {
  const moduleRef = await Test.createTestingModule({ imports: [IngestModule.register(settings)] }).compile();
  app = moduleRef.createNestApplication({ logger: ['error'] });
  await app.init();
  store = app.get(EVENT_STORE);
});

afterAll(async () => {
  await app?.close();
  await dropIngestTestData(settings);
});

describe('POST /v1/events', () => {
  it('stores a valid event and answers 202 with its position', async () => {
    const res = await http()
      .post('/v1/events').set(authHeader())
      .send({ type: 'crm.customer.registered', customerId: 'alice', data: { email: 'alice@example.com', country: 'DE' } })
      .expect(202);
    expect(res.body).toMatchObject({ customerId: 'alice', streamId: 'customer-alice', revision: 0, duplicate: false });
    expect(BigInt(res.body.position)).toBeGreaterThan(0n);
    const stored = await store.readStream('customer-alice');
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ eventId: res.body.eventId, type: 'crm.customer.registered', data: { email: 'alice@example.com' } });
  });

  it('stores one event when the same event id is retried, and answers with the original position', async () => {
    const id = randomUUID();
    const body = { id, type: 'crm.order.completed', customerId: 'bob', data: { orderId: 'o-1', totalMinor: 1250, currency: 'EUR' } };
    const first = await http().post('/v1/events').set(authHeader()).send(body).expect(202);
    const retry = await http().post('/v1/events').set(authHeader()).send(body).expect(202);
    expect(retry.body).toMatchObject({ eventId: id, position: first.body.position, revision: first.body.revision, duplicate: true });
    expect(await store.readStream('customer-bob')).toHaveLength(1);
  });

  it('stores one event under concurrent duplicates', async () => {
    const id = randomUUID();
    const body = { id, type: 'crm.order.completed', customerId: 'carol', data: { orderId: 'o-9', totalMinor: 10, currency: 'USD' } };
    const responses = await Promise.all(Array.from({ length: 12 }, () => http().post('/v1/events').set(authHeader()).send(body)));
    expect(responses.map((r) => r.status)).toEqual(Array(12).fill(202));
    expect(new Set(responses.map((r) => r.body.position)).size).toBe(1);
    expect(responses.filter((r) => r.body.duplicate === false)).toHaveLength(1);
    expect(await store.readStream('customer-carol')).toHaveLength(1);
  });

  it('treats a retry with the same Idempotency-Key as the same event', async () => {
    const key = `order-${randomUUID()}-completed`;
    const body = { type: 'crm.order.completed', customerId: 'fay', data: { orderId: 'o-7', totalMinor: 700, currency: 'EUR' } };
    const first = await http().post('/v1/events').set(authHeader()).set('Idempotency-Key', key).send(body).expect(202);
    const retry = await http().post('/v1/events').set(authHeader()).set('Idempotency-Key', key).send(body).expect(202);
    expect(retry.body).toMatchObject({ eventId: first.body.eventId, position: first.body.position, duplicate: true });
    const other = await http().post('/v1/events').set(authHeader()).set('Idempotency-Key', `${key}-2`).send(body).expect(202);
    expect(other.body.duplicate).toBe(false);
    expect(await store.readStream('customer-fay')).toHaveLength(2);
    const bad = await http().post('/v1/events').set(authHeader()).set('Idempotency-Key', 'has space').send(body).expect(400);
    expect(bad.body.errors[0].field).toBe('Idempotency-Key');
  });

  it('answers 400 with field-level messages and stores nothing for an invalid event', async () => {
    const res = await http()
      .post('/v1/events').set(authHeader())
      .send({ type: 'crm.order.completed', customerId: 'dave', data: { orderId: 'o-1', totalMinor: -5, currency: 'EURO', coupon: 'x' } })
      .expect(400);
    expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['data.coupon', 'data.currency', 'data.totalMinor']);
    expect(res.body.errors.find((e: { field: string }) => e.field === 'data.totalMinor').messages[0]).toMatch(/not be less than 0/);
    expect(await store.readStream('customer-dave')).toEqual([]);
  });

  it('rejects a body that is not an event object', async () => {
    await http().post('/v1/events').set(authHeader()).set('content-type', 'application/json').send('[1,2]').expect(400);
    await http().post('/v1/events').set(authHeader()).send({ type: 'crm.unknown', customerId: 'x', data: {} }).expect(400);
  });
});

describe('POST /v1/events:batch', () => {
  it('stores the valid events, reports each invalid one by index, and answers 202', async () => {
    const dup = randomUUID();
    const res = await http()
      .post('/v1/events:batch').set(authHeader())
      .send({
        events: [
          { id: dup, type: 'crm.customer.registered', customerId: 'batch-1', data: { email: 'b1@example.com' } },
          { type: 'crm.order.completed', customerId: 'batch-1', data: { orderId: 'o-1', totalMinor: 'ten', currency: 'EUR' } },
          { type: 'crm.order.completed', customerId: 'batch-2', data: { orderId: 'o-2', totalMinor: 900, currency: 'EUR' } },
          { id: dup, type: 'crm.customer.registered', customerId: 'batch-1', data: { email: 'b1@example.com' } },
        ],
      })
      .expect(202);
    expect(res.body).toMatchObject({ accepted: 3, rejected: 1 });
    expect(res.body.results.map((r: { index: number; ok: boolean }) => [r.index, r.ok])).toEqual([[0, true], [1, false], [2, true], [3, true]]);
    expect(res.body.results[1].errors[0].field).toBe('data.totalMinor');
    expect(res.body.results[3]).toMatchObject({ duplicate: true, position: res.body.results[0].position });
    expect(await store.readStream('customer-batch-1')).toHaveLength(1);
    expect(await store.readStream('customer-batch-2')).toHaveLength(1);
  });

  it('answers 400 when no event is valid, when the batch is empty or too large, or not a batch', async () => {
    const none = await http().post('/v1/events:batch').set(authHeader()).send({ events: [{ type: 'crm.nope' }] }).expect(400);
    expect(none.body).toMatchObject({ accepted: 0, rejected: 1 });
    await http().post('/v1/events:batch').set(authHeader()).send({ events: [] }).expect(400);
    await http().post('/v1/events:batch').set(authHeader()).send([{}]).expect(400);
    const tooMany = Array.from({ length: settings.ingest.INGEST_BATCH_LIMIT + 1 }, () => ({}));
    const res = await http().post('/v1/events:batch').set(authHeader()).send({ events: tooMany }).expect(400);
    expect(res.body.errors[0].messages[0]).toMatch(/between 1 and/);
  });
});

describe('relay', () => {
  it('publishes stored events to the customer-events topic keyed by customer, with ids in headers', async () => {
    const id = randomUUID();
    await http()
      .post('/v1/events').set(authHeader())
      .send({ id, type: 'crm.profile.updated', customerId: 'erin', data: { firstName: 'Erin' } })
      .expect(202);
    const kafka = new Kafka({ brokers: settings.kafka.KAFKA_BROKERS, logLevel: logLevel.NOTHING });
    const consumer = kafka.consumer({ groupId: `it-reader-${stamp}` });
    const seen: { key: string; headers: Record<string, string>; value: Record<string, unknown> }[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic: `${settings.kafka.KAFKA_TOPIC_PREFIX}crm.customer-events.v1`, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const headers = Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, String(v)]));
        seen.push({ key: String(message.key), headers, value: JSON.parse(String(message.value)) });
      },
    });
    const found = await waitFor('relayed event', async () => seen.find((m) => m.headers[EventHeaders.eventId] === id));
    await consumer.disconnect();
    expect(found.key).toBe('erin');
    expect(found.headers).toMatchObject({ [EventHeaders.eventType]: 'crm.profile.updated', [EventHeaders.streamRevision]: '0' });
    expect(found.value).toMatchObject({ id, subject: 'erin', data: { firstName: 'Erin' } });
  });
});

describe('platform endpoints', () => {
  it('reports ready once the event store and Kafka answer', async () => {
    const res = await waitFor('readiness', async () => {
      const r = await http().get('/health/ready');
      return r.status === 200 ? r : undefined;
    });
    expect(res.body.details).toMatchObject({ 'event-store': { status: 'up' }, kafka: { status: 'up' } });
    await http().get('/health/live').expect(200);
  });

  it('exposes Prometheus metrics', async () => {
    const res = await http().get('/metrics').set(authHeader()).expect(200);
    expect(res.text).toContain('ingest_events_accepted_total');
    expect(res.text).toContain('http_request_duration_seconds_bucket');
  });
});

describe('access control', () => {
  const event = { type: 'crm.customer.registered', customerId: 'auth-1', data: { email: 'auth@example.com' } };

  it('answers 401 without a key, naming the scope the endpoint needs, and stores nothing', async () => {
    const res = await http().post('/v1/events').send(event).expect(401);
    expect(res.body).toMatchObject({
      statusCode: 401,
      error: 'Unauthorized',
      message: 'API key required: send x-api-key or Authorization: Bearer',
      requiredScopes: ['events:write'],
    });
    await http().get('/v1/schemas').expect(401);
    expect(await store.readStream('customer-auth-1')).toEqual([]);
  });

  it('answers 401 for an unknown key, in either header', async () => {
    const res = await http().post('/v1/events').set('x-api-key', 'not-a-key').send(event).expect(401);
    expect(res.body).toMatchObject({ statusCode: 401, message: 'invalid API key', requiredScopes: ['events:write'] });
    await http().post('/v1/events:batch').set('authorization', 'Bearer not-a-key').send({ events: [event] }).expect(401);
  });

  it('answers 403 naming the key and the missing scope', async () => {
    const res = await http().post('/v1/events').set('x-api-key', READER_KEY).send(event).expect(403);
    expect(res.body).toMatchObject({ statusCode: 403, message: 'API key "profile-reader" lacks scope events:write', missingScopes: ['events:write'] });
    expect((await http().get('/v1/asyncapi').set('x-api-key', READER_KEY).expect(403)).body.missingScopes).toEqual(['schemas:read']);
    expect(await store.readStream('customer-auth-1')).toEqual([]);
  });

  it('accepts the key as a bearer token', async () => {
    await http().post('/v1/events').set('authorization', `Bearer ${authHeader()['x-api-key']}`).send(event).expect(202);
  });

  it('serves health without a key; /metrics needs metrics:read', async () => {
    await http().get('/health/live').expect(200);
    await http().get('/metrics').expect(401);
    expect((await http().get('/metrics').set('x-api-key', READER_KEY).expect(403)).body.missingScopes).toEqual(['metrics:read']);
    await http().get('/metrics').set(authHeader()).expect(200);
  });

  it('answers 429 with Retry-After once a key used up its requests per minute, per key', async () => {
    const limited = loadIngestSettings({ ...env, RATE_LIMIT_PER_MINUTE: '3', RELAY_ENABLED: 'false', INGEST_KAFKA_ENABLED: 'false' });
    const moduleRef = await Test.createTestingModule({ imports: [IngestModule.register(limited)] }).compile();
    const small = moduleRef.createNestApplication({ logger: ['error'] });
    await small.init();
    try {
      const call = () => request(small.getHttpServer()).get('/v1/schemas/crm.order.completed');
      for (let i = 0; i < 3; i++) await call().set(authHeader()).expect(200);
      const res = await call().set(authHeader()).expect(429);
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      expect(res.body.message).toMatch(/rate limit of 3 requests per minute reached for API key "test"/);
      // Another key has its own budget; health probes are never limited.
      await call().set('x-api-key', READER_KEY).expect(403);
      await request(small.getHttpServer()).get('/health/live').expect(200);
    } finally {
      await small.close();
    }
  });
});
