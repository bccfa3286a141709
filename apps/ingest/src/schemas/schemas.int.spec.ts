import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { CATALOGUE_EXAMPLES, CUSTOMER_EVENT_TYPES, EVENT_CATALOGUE, Topics } from '@crm/contracts';
import { authHeader, testApiKeyEnv } from '@crm/platform/testing';
import { dropIngestTestData } from '../testing/ingest-test-data';
import { loadIngestSettings } from '../ingest.env';
import { IngestModule } from '../ingest.module';

// Runs against the real servers (infra/local/crm-infra up), isolated by its own schema and topic prefix.
const stamp = `${Date.now()}${Math.floor(Math.random() * 1000)}`;
const settings = loadIngestSettings({
  ...process.env,
  ...testApiKeyEnv(),
  POSTGRES_SCHEMA: `it_schemas_${stamp}`,
  KAFKA_TOPIC_PREFIX: `it${stamp}.`,
  LOG_LEVEL: 'warn',
});
const http = () => request(app.getHttpServer());

let app: INestApplication;

beforeAll(async () => {
  const moduleRef = await Test.createTestingModule({ imports: [IngestModule.register(settings)] }).compile();
  app = moduleRef.createNestApplication({ logger: ['error'] });
  await app.init();
});

afterAll(async () => {
  await app?.close();
  await dropIngestTestData(settings);
});

describe('GET /v1/schemas', () => {
  it('lists every catalogue type with its version, description and JSON Schema', async () => {
    const res = await http().get('/v1/schemas').set(authHeader()).expect(200);
    expect(res.body.map((e: { type: string }) => e.type)).toEqual(CUSTOMER_EVENT_TYPES);
    for (const [i, d] of EVENT_CATALOGUE.entries()) {
      expect(res.body[i]).toMatchObject({ type: d.type, schemaVersion: d.schemaVersion, description: d.description });
      expect(res.body[i].schema).toMatchObject({ type: 'object', additionalProperties: false, properties: { type: { const: d.type } } });
    }
  });

  it('serves one type, and 404 for an unknown one', async () => {
    const res = await http().get('/v1/schemas/crm.profile.updated').set(authHeader()).expect(200);
    expect(res.body).toMatchObject({ type: 'crm.profile.updated', schemaVersion: 2 });
    expect(res.body.schema.definitions.ProfileUpdatedData.properties).toHaveProperty('contact');
    await http().get('/v1/schemas/crm.nope.happened').set(authHeader()).expect(404);
  });
});

describe('GET /v1/asyncapi', () => {
  it('serves the AsyncAPI document with the platform topics', async () => {
    const res = await http().get('/v1/asyncapi').set(authHeader()).expect(200);
    expect(res.body.asyncapi).toBe('3.0.0');
    const addresses = Object.values(res.body.channels as Record<string, { address: string }>).map((c) => c.address);
    expect(addresses).toEqual(expect.arrayContaining([Topics.ingest, Topics.customerEvents, Topics.ingestDeadLetter]));
  });
});

describe('POST /v1/events with the catalogue examples', () => {
  it.each(CUSTOMER_EVENT_TYPES.map((t) => [t]))('%s: the valid example is stored (202), the invalid one refused (400) on its fields', async (type) => {
    const example = CATALOGUE_EXAMPLES[type];
    const customerId = `schemas-${type.replace(/[^a-z0-9]/gi, '-')}`;
    const ok = await http().post('/v1/events').set(authHeader()).send({ ...example.valid, customerId }).expect(202);
    expect(ok.body).toMatchObject({ customerId, revision: 0, duplicate: false });

    const bad = await http().post('/v1/events').set(authHeader()).send({ ...example.invalid, customerId }).expect(400);
    const fields = (bad.body.errors as { field: string }[]).map((e) => e.field);
    expect([...new Set(fields)].sort()).toEqual([...example.invalidFields].sort());
  });
});
