import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import fc from 'fast-check';
import request from 'supertest';
import { CATALOGUE_EXAMPLES } from '@crm/contracts';
import type { EventStore } from '@crm/event-store';
import { authHeader, testApiKeyEnv } from '@crm/platform/testing';
import { dropIngestTestData } from '../testing/ingest-test-data';
import { loadIngestSettings } from '../ingest.env';
import { IngestModule } from '../ingest.module';
import { EVENT_STORE } from './event-store.provider';

// Thousands of random and hostile bodies at the real HTTP endpoints (real PostgreSQL and Kafka):
// never a 5xx, and the event log grows by exactly the events that were accepted.
const stamp = `${Date.now()}${Math.floor(Math.random() * 1000)}`;
const settings = loadIngestSettings({
  ...process.env,
  ...testApiKeyEnv(),
  POSTGRES_SCHEMA: `it_prop_${stamp}`,
  KAFKA_TOPIC_PREFIX: `itp${stamp}.`,
  LOG_LEVEL: 'silent',
  RELAY_ENABLED: 'false',
  INGEST_KAFKA_ENABLED: 'false',
});

let app: INestApplication;
let store: EventStore;

const examples = Object.values(CATALOGUE_EXAMPLES);
const valid = fc.constantFrom(...examples.map((e) => e.valid));
const invalid = fc.constantFrom(...examples.map((e) => e.invalid));

/** A valid example with one field replaced or added, anywhere, by an arbitrary JSON value. */
const mutated = fc.tuple(valid, fc.boolean(), fc.string({ maxLength: 20 }), fc.jsonValue({ maxDepth: 3 })).map(([event, inData, key, value]) =>
  inData ? { ...event, data: { ...event.data, [key]: value } } : { ...event, [key]: value },
);

const hostileStrings = fc.constantFrom(
  '__proto__', 'constructor', '\u0000', '\uD800', '{"$where":"1"}', '<script>alert(1)</script>', "'; DROP TABLE events; --",
  'x'.repeat(70_000), '../../etc/passwd', '%00', '\u202e', '💥'.repeat(1_000),
);
const hostile = fc.tuple(valid, hostileStrings, fc.constantFrom('customerId', 'type', 'time', 'source', 'id')).map(([event, s, field]) => ({ ...event, [field]: s }));

const body = fc.oneof(
  { weight: 3, arbitrary: mutated },
  { weight: 2, arbitrary: invalid },
  { weight: 2, arbitrary: hostile },
  { weight: 1, arbitrary: valid.map((e) => ({ ...e, customerId: `${e.customerId}-${stamp}` })) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }) },
);

beforeAll(async () => {
  const moduleRef = await Test.createTestingModule({ imports: [IngestModule.register(settings)] }).compile();
  app = moduleRef.createNestApplication({ logger: false });
  await app.init();
  store = app.get(EVENT_STORE);
});

afterAll(async () => {
  await app?.close();
  await dropIngestTestData(settings);
});

describe('POST /v1/events and /v1/events:batch under random and hostile bodies', () => {
  it('never answers 5xx, and stores exactly the accepted events', async () => {
    let storedNew = 0;
    await fc.assert(
      fc.asyncProperty(body, async (payload) => {
        const res = await request(app.getHttpServer()).post('/v1/events').set(authHeader()).set('content-type', 'application/json').send(JSON.stringify(payload));
        expect([202, 400, 413]).toContain(res.status);
        if (res.status === 202 && res.body.duplicate === false) storedNew++;
        if (res.status === 202 && res.body.merge?.duplicate === false) storedNew++; // a link that merged two customers
        if (res.status === 400) expect(Array.isArray(res.body.errors)).toBe(true);
      }),
      { numRuns: 1_500 },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(body, { minLength: 1, maxLength: 20 }), async (events) => {
        const res = await request(app.getHttpServer()).post('/v1/events:batch').set(authHeader()).send({ events });
        expect([202, 400, 413]).toContain(res.status);
        type Result = { ok: boolean; duplicate?: boolean; merge?: { duplicate: boolean } };
        if (res.status === 202) {
          const results = res.body.results as Result[];
          storedNew += results.filter((r) => r.ok && !r.duplicate).length + results.filter((r) => r.ok && r.merge?.duplicate === false).length;
        }
      }),
      { numRuns: 200 },
    );
    expect((await store.readAll({ maxCount: 1_000_000 })).length).toBe(storedNew);
  }, 300_000);
});
