import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Client } from 'pg';
import request from 'supertest';
import type { EventStore } from '@crm/event-store';
import { authHeader, testApiKeyEnv } from '@crm/platform/testing';
import { EVENT_STORE } from '../events/event-store.provider';
import { mergeEventIdFor } from '../events/record-customer-event.handler';
import { dropIngestTestData } from '../testing/ingest-test-data';
import { loadIngestSettings } from '../ingest.env';
import { IngestModule } from '../ingest.module';
import { customerIdForIdentity, IDENTITY_INDEX, type IdentityIndex } from './identity';
import { PostgresIdentityIndex } from './postgres-identity-index';

// Real PostgreSQL and Kafka (infra/local/crm-infra up), isolated by schema and topic prefix.
const stamp = `${Date.now()}${Math.floor(Math.random() * 1000)}`;
const settings = loadIngestSettings({
  ...process.env,
  ...testApiKeyEnv(),
  POSTGRES_SCHEMA: `it_idn_${stamp}`,
  KAFKA_TOPIC_PREFIX: `it${stamp}.`,
  INGEST_KAFKA_ENABLED: 'false',
  LOG_LEVEL: 'warn',
});
const post = (body: unknown) => request(app.getHttpServer()).post('/v1/events').set(authHeader()).send(body);

let app: INestApplication;
let store: EventStore;
let index: IdentityIndex;

beforeAll(async () => {
  const moduleRef = await Test.createTestingModule({ imports: [IngestModule.register(settings)] }).compile();
  app = moduleRef.createNestApplication({ logger: ['error'] });
  await app.init();
  store = app.get(EVENT_STORE);
  index = app.get(IDENTITY_INDEX);
});

afterAll(async () => {
  await app?.close();
  await dropIngestTestData(settings);
});

const order = (orderId: string) => ({ type: 'crm.order.completed', data: { orderId, totalMinor: 100, currency: 'EUR' } });

describe('PostgresIdentityIndex', () => {
  it('claims, links (answering the previous owner), merges and follows merge chains; migration is idempotent', async () => {
    const again = await PostgresIdentityIndex.connect({ connectionString: settings.eventStore.POSTGRES_URL, schema: settings.eventStore.POSTGRES_SCHEMA });
    try {
      const email = { kind: 'email' as const, value: `Idx-${stamp}@Example.com` };
      expect(await again.resolve(email)).toBeNull();
      expect(await again.claim(email, 'idx-a')).toBe('idx-a');
      expect(await again.claim({ ...email, value: ` idx-${stamp}@example.COM ` }, 'idx-b')).toBe('idx-a');
      const phone = { kind: 'phone' as const, value: '+31 6 1234-5678' };
      expect(await again.link(phone, 'idx-b')).toBeNull();
      expect(await again.link({ kind: 'phone', value: '+31612345678' }, 'idx-b')).toBe('idx-b');
      await again.merge('idx-b', 'idx-a', phone);
      await again.merge('idx-b', 'idx-a', phone);
      expect(await again.resolve(phone)).toBe('idx-a');
      await again.merge('idx-a', 'idx-c', email);
      expect(await again.survivors(['idx-b', 'idx-a', 'idx-z'])).toEqual(new Map([['idx-b', 'idx-c'], ['idx-a', 'idx-c'], ['idx-z', 'idx-z']]));
      expect(await again.resolve(phone)).toBe('idx-c');
      await again.merge('idx-c', 'idx-b', email); // would close a cycle: ignored
      expect((await again.survivors(['idx-c'])).get('idx-c')).toBe('idx-c');
    } finally {
      await again.close();
    }
  });
});

describe('identity resolution at ingest', () => {
  it('stores an event naming a known customer by email in that customer\'s stream', async () => {
    await post({ type: 'crm.customer.registered', customerId: 'ida', data: { email: 'Ida@Example.com' } }).expect(202);
    const res = await post({ ...order('o-ida'), identity: { kind: 'email', value: ' ida@example.com' } }).expect(202);
    expect(res.body).toMatchObject({ customerId: 'ida', streamId: 'customer-ida', revision: 1 });
    expect((await store.readStream('customer-ida')).map((e) => e.type)).toEqual(['crm.customer.registered', 'crm.order.completed']);
  });

  it('gives an unknown identity a new customer, the same one each time', async () => {
    const identity = { kind: 'email', value: `new-${stamp}@example.com` };
    const first = await post({ ...order('o-n1'), identity }).expect(202);
    const second = await post({ ...order('o-n2'), identity: { ...identity, value: identity.value.toUpperCase() } }).expect(202);
    const expected = customerIdForIdentity({ kind: 'email', value: identity.value });
    expect(first.body.customerId).toBe(expected);
    expect(second.body).toMatchObject({ customerId: expected, revision: 1 });
    expect(await store.readStream(`customer-${expected}`)).toHaveLength(2);
  });

  it('refuses an event with both or neither of customerId and identity', async () => {
    const both = await post({ ...order('o-x'), customerId: 'c', identity: { kind: 'email', value: 'a@x.io' } }).expect(400);
    expect(both.body.errors[0].field).toBe('identity');
    const neither = await post(order('o-x')).expect(400);
    expect(neither.body.errors[0].field).toBe('customerId');
  });

  it('merges the owner of a linked identity into the linking customer, once', async () => {
    await post({ type: 'crm.customer.registered', customerId: 'xavier', data: { email: 'xavier@example.com' } }).expect(202);
    await post({ type: 'crm.customer.registered', customerId: 'yves', data: { email: 'yves@example.com' } }).expect(202);
    await post({ type: 'crm.identity.linked', customerId: 'yves', data: { kind: 'phone', value: '+33 6 11 22 33 44' } }).expect(202);
    const beforeMerge = { id: randomUUID(), ...order('o-y1'), customerId: 'yves' };
    await post(beforeMerge).expect(202);

    const link = { id: randomUUID(), type: 'crm.identity.linked', customerId: 'xavier', data: { kind: 'email', value: 'YVES@example.com' } };
    const res = await post(link).expect(202);
    expect(res.body).toMatchObject({ customerId: 'xavier', merge: { mergedId: 'yves', eventId: mergeEventIdFor(link.id), streamId: 'customer-yves', duplicate: false } });

    const yves = await store.readStream('customer-yves');
    expect(yves.at(-1)).toMatchObject({
      eventId: mergeEventIdFor(link.id),
      type: 'crm.customer.merged',
      data: { survivorId: 'xavier', mergedId: 'yves', reason: 'identity', identity: { kind: 'email', value: 'YVES@example.com' } },
    });
    expect((await store.readStream('customer-xavier')).map((e) => e.type)).toEqual(['crm.customer.registered', 'crm.identity.linked']);

    // Yves's identities now resolve to Xavier, and so does Yves's id.
    expect(await index.resolve({ kind: 'phone', value: '+33611223344' })).toBe('xavier');
    expect(await index.resolve({ kind: 'email', value: 'yves@example.com' })).toBe('xavier');
    const later = await post({ ...order('o-y2'), customerId: 'yves' }).expect(202);
    expect(later.body).toMatchObject({ customerId: 'xavier', streamId: 'customer-xavier' });
    const byPhone = await post({ ...order('o-y3'), identity: { kind: 'phone', value: '+33-6-11-22-33-44' } }).expect(202);
    expect(byPhone.body.customerId).toBe('xavier');

    // Retrying the link stores nothing new, and merges nothing again.
    const retry = await post(link).expect(202);
    expect(retry.body).toMatchObject({ eventId: link.id, duplicate: true, position: res.body.position });
    expect(retry.body.merge).toBeUndefined();
    expect(await store.readStream('customer-yves')).toHaveLength(yves.length);
    expect((await store.readStream('customer-xavier')).filter((e) => e.type === 'crm.identity.linked')).toHaveLength(1);

    // A late retry of an event stored for Yves before the merge now resolves to Xavier: its id is
    // taken by another stream, which is a clear 400 on `id`, not a server error.
    const lateRetry = await post(beforeMerge).expect(400);
    expect(lateRetry.body.errors[0].field).toBe('id');
  });

  it('finishes a merge whose index update was lost, without storing the merge twice', async () => {
    await post({ type: 'crm.customer.registered', customerId: 'xena', data: { email: 'xena@example.com' } }).expect(202);
    await post({ type: 'crm.customer.registered', customerId: 'yara', data: { email: 'yara@example.com' } }).expect(202);
    const link = { id: randomUUID(), type: 'crm.identity.linked', customerId: 'xena', data: { kind: 'email', value: 'yara@example.com' } };
    const first = await post(link).expect(202);
    // As if ingest had crashed after the appends: undo the index update, then retry.
    const pg = new Client({ connectionString: settings.eventStore.POSTGRES_URL });
    await pg.connect();
    const s = settings.eventStore.POSTGRES_SCHEMA;
    await pg.query(`DELETE FROM ${s}.customer_merges WHERE merged_id = 'yara'`);
    await pg.query(`UPDATE ${s}.identities SET customer_id = 'yara' WHERE value = 'yara@example.com'`);
    await pg.end();
    const retry = await post(link).expect(202);
    expect(retry.body).toMatchObject({ duplicate: true, merge: { mergedId: 'yara', eventId: first.body.merge.eventId, duplicate: true } });
    expect((await store.readStream('customer-yara')).filter((e) => e.type === 'crm.customer.merged')).toHaveLength(1);
    expect(await index.resolve({ kind: 'email', value: 'yara@example.com' })).toBe('xena');
  });
});
