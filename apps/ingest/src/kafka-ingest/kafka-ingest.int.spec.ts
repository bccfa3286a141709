import { randomUUID } from 'node:crypto';
import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Kafka, logLevel, type IHeaders, type KafkaMessage, type Message, type Producer } from 'kafkajs';
import request from 'supertest';
import { Topics } from '@crm/contracts';
import type { EventStore } from '@crm/event-store';
import { InboundHeaders, messageEventId } from '@crm/messaging';
import { MetricsService } from '@crm/platform';
import { authHeader, testApiKeyEnv } from '@crm/platform/testing';
import { EVENT_STORE } from '../events/event-store.provider';
import { dropIngestTestData } from '../testing/ingest-test-data';
import { loadIngestSettings } from '../ingest.env';
import { IngestModule } from '../ingest.module';

// Real servers (infra/local/crm-infra up). A fresh schema, topic prefix and consumer group isolate
// this run. The relay is off, so the Kafka way in has to create its topics itself.
const stamp = `${Date.now()}${Math.floor(Math.random() * 1000)}`;
const env = {
  ...process.env,
  ...testApiKeyEnv(),
  POSTGRES_SCHEMA: `it_kin_${stamp}`,
  KAFKA_TOPIC_PREFIX: `itk${stamp}.`,
  RELAY_ENABLED: 'false',
  LOG_LEVEL: 'warn',
};
const settings = loadIngestSettings(env);
const inboundTopic = `${settings.kafka.KAFKA_TOPIC_PREFIX}${Topics.ingest}`;
const dlqTopic = `${settings.kafka.KAFKA_TOPIC_PREFIX}${Topics.ingestDeadLetter}`;
const group = `${settings.kafka.KAFKA_TOPIC_PREFIX}ingest`; // the default: `ingest` behind the prefix
const kafka = new Kafka({ brokers: settings.kafka.KAFKA_BROKERS, clientId: 'it-integrator', logLevel: logLevel.NOTHING });

let app: INestApplication;
let store: EventStore;
let producer: Producer;
const dlqReader = kafka.consumer({ groupId: `itk-dlq-reader-${stamp}` });
const deadLetters: KafkaMessage[] = [];
let published = 0;

const waitFor = async <T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> => {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

/** Publishes as an integrator would; returns where each record landed. */
const publish = async (...messages: Message[]) => {
  const meta = await producer.send({ topic: inboundTopic, acks: -1, messages });
  published += messages.length;
  return meta;
};
const publishOne = async (message: Message) => {
  const [meta] = await publish(message);
  return { partition: meta.partition, offset: meta.baseOffset ?? '' };
};

const order = (customerId: string, data: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  type: 'crm.order.completed',
  customerId,
  data: { orderId: `o-${randomUUID().slice(0, 8)}`, totalMinor: 1000, currency: 'EUR', ...data },
  ...extra,
});

/** Every record for this customer is handled once a later record with the same key (same partition) is stored. */
const sentinel = async (customerId: string) => {
  const id = randomUUID();
  await publish({ key: customerId, value: JSON.stringify({ id, type: 'crm.profile.updated', customerId, data: { firstName: 'Sentinel' } }) });
  await waitFor(`sentinel of ${customerId}`, async () => ((await store.readStream(`customer-${customerId}`)).some((e) => e.eventId === id) ? true : undefined));
};

const deadLetterWhere = (what: string, match: (m: KafkaMessage) => boolean) =>
  waitFor(what, async () => deadLetters.find(match));
const header = (m: KafkaMessage, name: string) => m.headers?.[name]?.toString();

beforeAll(async () => {
  const moduleRef = await Test.createTestingModule({ imports: [IngestModule.register(settings)] }).compile();
  app = moduleRef.createNestApplication({ logger: ['error'] });
  await app.init();
  store = app.get(EVENT_STORE);
  // Ready only once the group is joined (and so the topics exist).
  const ready = await waitFor('readiness', async () => {
    const r = await request(app.getHttpServer()).get('/health/ready');
    return r.status === 200 ? r : undefined;
  });
  expect(ready.body.details).toMatchObject({ 'kafka-ingest': { status: 'up' } });
  producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  await dlqReader.connect();
  await dlqReader.subscribe({ topic: dlqTopic, fromBeginning: true });
  await dlqReader.run({ eachMessage: async ({ message }) => void deadLetters.push(message) });
}, 60_000);

afterAll(async () => {
  await producer?.disconnect();
  await dlqReader.disconnect();
  await app?.close();
  await dropIngestTestData(settings);
  const admin = kafka.admin();
  await admin.connect();
  const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.includes(stamp));
  await admin.deleteGroups(groups).catch(() => undefined);
  await admin.disconnect();
});

describe('Kafka ingest (crm.ingest.v1)', () => {
  it('creates its topics itself when the relay is off', async () => {
    const admin = kafka.admin();
    await admin.connect();
    const topics = await admin.listTopics();
    await admin.disconnect();
    expect(topics).toEqual(expect.arrayContaining([inboundTopic, dlqTopic]));
  });

  it('stores valid events through the shared ingest path, in order per customer', async () => {
    const ids = [randomUUID(), randomUUID(), randomUUID()];
    await publish(
      { key: 'kin-ann', value: JSON.stringify({ id: ids[0], type: 'crm.customer.registered', customerId: 'kin-ann', data: { email: 'ann@example.com', country: 'SE' } }) },
      { key: 'kin-ann', value: JSON.stringify(order('kin-ann', { totalMinor: 2500 }, { id: ids[1], correlationId: 'checkout-1' })) },
      { key: 'kin-ben', value: JSON.stringify(order('kin-ben', { currency: 'USD' }, { id: ids[2], source: 'shop-backend' })) },
    );
    const ann = await waitFor('ann stored', async () => {
      const s = await store.readStream('customer-kin-ann');
      return s.length === 2 ? s : undefined;
    });
    expect(ann.map((e) => e.eventId)).toEqual(ids.slice(0, 2));
    expect(ann[1]).toMatchObject({ type: 'crm.order.completed', data: { totalMinor: 2500 }, metadata: { correlationId: 'checkout-1', source: 'ingest' } });
    const ben = await waitFor('ben stored', async () => {
      const s = await store.readStream('customer-kin-ben');
      return s.length === 1 ? s : undefined;
    });
    expect(ben[0]).toMatchObject({ eventId: ids[2], metadata: { source: 'shop-backend', subject: 'kin-ben' }, data: { currency: 'USD' } });
  });

  it('stores one event when the same message is delivered twice', async () => {
    const value = JSON.stringify(order('kin-cat', {}, { id: randomUUID() }));
    await publish({ key: 'kin-cat', value });
    await publish({ key: 'kin-cat', value });
    await sentinel('kin-cat');
    const orders = (await store.readStream('customer-kin-cat')).filter((e) => e.type === 'crm.order.completed');
    expect(orders).toHaveLength(1);
  });

  it('gives an event without id the id derived from its record, and a redelivery of that record stores nothing new', async () => {
    const timestamp = String(Date.now());
    const at = await publishOne({ key: 'kin-dan', value: JSON.stringify(order('kin-dan', { orderId: 'o-no-id' })), timestamp });
    const expected = messageEventId({ topic: inboundTopic, partition: at.partition, offset: at.offset, timestamp });
    const stored = await waitFor('dan stored', async () => (await store.readStream('customer-kin-dan'))[0]);
    expect(stored.eventId).toBe(expected);

    // A second ingest instance in another group reads the whole topic again: every record is
    // redelivered with its topic/partition/offset/timestamp, exactly as after a lost commit.
    const replaySettings = loadIngestSettings({ ...env, INGEST_KAFKA_GROUP: `itk-replay-${stamp}` });
    const replayRef = await Test.createTestingModule({ imports: [IngestModule.register(replaySettings)] }).compile();
    const replay = replayRef.createNestApplication({ logger: ['error'] });
    await replay.init();
    try {
      const counter = replay.get(MetricsService).registry.getSingleMetric('ingest_kafka_events_total')!;
      const totals = async () => Object.fromEntries((await counter.get()).values.map((v) => [String(v.labels['outcome']), v.value]));
      const handledSoFar = published;
      const seen = await waitFor('replay of every record', async () => {
        const t = await totals();
        return (t['stored'] ?? 0) + (t['duplicate'] ?? 0) + (t['dead_lettered'] ?? 0) >= handledSoFar ? t : undefined;
      });
      expect(seen['stored']).toBe(0);
    } finally {
      await replay.close();
    }
    expect(await store.readStream('customer-kin-dan')).toHaveLength(1);
  }, 60_000);

  it('sends an invalid event to the dead-letter topic with its original key, value and headers, the reason and the field errors', async () => {
    const id = randomUUID();
    const value = JSON.stringify(order('kin-eve', { totalMinor: 'ten', currency: 'EURO', coupon: 'x' }, { id }));
    const at = await publishOne({ key: 'kin-eve', value, headers: { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' } });
    const letter = await deadLetterWhere('eve dead letter', (m) => header(m, InboundHeaders.eventId) === id);
    expect(letter.key?.toString()).toBe('kin-eve');
    expect(letter.value?.toString()).toBe(value);
    expect(header(letter, 'traceparent')).toBe('00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01');
    expect(header(letter, InboundHeaders.error)).toBe('validation failed');
    const fieldErrors = JSON.parse(header(letter, InboundHeaders.fieldErrors) ?? '') as { field: string; messages: string[] }[];
    expect(fieldErrors.map((e) => e.field).sort()).toEqual(['data.coupon', 'data.currency', 'data.totalMinor']);
    expect(header(letter, InboundHeaders.failedConsumerGroup)).toBe(group);
    expect(header(letter, InboundHeaders.originalTopic)).toBe(inboundTopic);
    expect(header(letter, InboundHeaders.originalPartition)).toBe(String(at.partition));
    expect(header(letter, InboundHeaders.originalOffset)).toBe(at.offset);
    expect(await store.readStream('customer-kin-eve')).toEqual([]);
  });

  it('sends a value that is not JSON, not an object, or not storable to the dead-letter topic with the reason, and keeps flowing', async () => {
    const junk = await publishOne({ key: 'kin-fay', value: '{"type": "crm.order.completed", oops' });
    const list = await publishOne({ key: 'kin-fay', value: '[1,2,3]' });
    // Valid by the catalogue, but PostgreSQL cannot keep U+0000: refused instead of retried forever.
    const nul = await publishOne({ key: 'kin-fay', value: JSON.stringify({ type: 'crm.profile.updated', customerId: 'kin-fay', data: { firstName: 'Fay\u0000' } }) });
    await sentinel('kin-fay');
    const unstorable = await deadLetterWhere('NUL dead letter', (m) => header(m, InboundHeaders.originalOffset) === nul.offset && m.key?.toString() === 'kin-fay');
    expect(header(unstorable, InboundHeaders.error)).toBe('value contains the NUL character');
    expect(JSON.parse(header(unstorable, InboundHeaders.fieldErrors) ?? '')[0].field).toBe('data.firstName');
    const notJson = await deadLetterWhere('non-JSON dead letter', (m) => header(m, InboundHeaders.originalOffset) === junk.offset && m.key?.toString() === 'kin-fay');
    expect(header(notJson, InboundHeaders.error)).toBe('value is not JSON');
    expect(notJson.value?.toString()).toBe('{"type": "crm.order.completed", oops');
    const notObject = await deadLetterWhere('array dead letter', (m) => header(m, InboundHeaders.originalOffset) === list.offset && m.key?.toString() === 'kin-fay');
    expect(header(notObject, InboundHeaders.error)).toBe('value is not a JSON object');
    expect(JSON.parse(header(notObject, InboundHeaders.fieldErrors) ?? '')).toEqual([{ field: '', messages: ['event must be a JSON object'] }]);
  });

  it('re-submission: a dead letter, fixed and published again with the same id (twice, even), is stored once', async () => {
    // The integrator forgot the id and sent a bad currency.
    await publishOne({ key: 'kin-gus', value: JSON.stringify(order('kin-gus', { currency: 'euro', orderId: 'o-gus' })), headers: { 'x-origin': 'shop' } });
    const letter = await deadLetterWhere('gus dead letter', (m) => m.key?.toString() === 'kin-gus' && header(m, InboundHeaders.failedConsumerGroup) === group);
    expect(JSON.parse(header(letter, InboundHeaders.fieldErrors) ?? '')[0].field).toBe('data.currency');
    const eventId = header(letter, InboundHeaders.eventId)!;

    // The procedure documented in README ("Publishing events to Kafka"): fix the value, keep the
    // key, set `id` to crm-dlq-event-id when the event had none, drop the crm-dlq-* headers.
    const fixed = JSON.parse(letter.value!.toString()) as Record<string, unknown> & { data: Record<string, unknown> };
    fixed.data.currency = 'EUR';
    fixed.id ??= eventId;
    const headers: IHeaders = Object.fromEntries(Object.entries(letter.headers ?? {}).filter(([k]) => !k.startsWith('crm-dlq-')));
    const resubmitted: Message = { key: letter.key, value: JSON.stringify(fixed), headers };
    await publish(resubmitted);
    await publish(resubmitted); // the resubmitting script ran twice
    await sentinel('kin-gus');
    const orders = (await store.readStream('customer-kin-gus')).filter((e) => e.type === 'crm.order.completed');
    expect(orders).toHaveLength(1);
    expect(orders[0]).toMatchObject({ eventId, data: { currency: 'EUR', orderId: 'o-gus' } });
  });

  it('counts outcomes in ingest_kafka_events_total', async () => {
    const res = await request(app.getHttpServer()).get('/metrics').set(authHeader()).expect(200);
    for (const outcome of ['stored', 'duplicate', 'dead_lettered']) {
      expect(res.text).toMatch(new RegExp(`ingest_kafka_events_total\\{[^}]*outcome="${outcome}"[^}]*\\} [1-9]`));
    }
  });
});
