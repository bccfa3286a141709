import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type KafkaMessage } from 'kafkajs';
import { Client } from 'pg';
import { EventHeaders, loyaltyStreamId, parseStreamId, segmentMembershipStreamId, TOPIC_OF_STREAM_CATEGORY, Topics } from '@crm/contracts';
import { PostgresEventStore } from '@crm/event-store';
import { createProducer } from '../kafka/create-producer';
import { parseCustomerEventMessage } from '../mapping/event-mapping';
import type { CheckpointStore } from './checkpoint-store';
import { EventStoreKafkaRelay } from './event-store-kafka-relay';

// Real Kafka and PostgreSQL (infra/local/crm-infra up); topics and schema are unique to this run.
const brokers = (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:59092').split(',');
const connectionString = process.env['POSTGRES_URL'] ?? 'postgres://crm@127.0.0.1:55432/crm_test';
const stamp = `${Date.now()}${Math.floor(Math.random() * 1000)}`;
const schema = `it_relay_${stamp}`;
const prefix = `it${stamp}.`;
const kafka = new Kafka({ brokers, clientId: 'it-relay', logLevel: logLevel.NOTHING });
const topics = Object.values(TOPIC_OF_STREAM_CATEGORY).map((t) => prefix + t);

let store: PostgresEventStore;

beforeAll(async () => {
  store = await PostgresEventStore.connect({ connectionString, schema });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: topics.map((topic) => ({ topic, numPartitions: 2 })), waitForLeaders: true });
  await admin.disconnect();
});

afterAll(async () => {
  await store.close();
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics });
  await admin.disconnect();
  const pg = new Client({ connectionString });
  await pg.connect();
  await pg.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await pg.end();
});

// data valid for the customer event type (read sides check it), opaque for the derived ones
const event = (type: string, subject: string) => ({
  eventId: randomUUID(),
  type,
  data: type === 'crm.order.completed' ? { orderId: 'o-1', totalMinor: 100, currency: 'EUR' } : { n: 1 },
  metadata: { schemaVersion: 1, source: 'it', subject, time: new Date().toISOString() },
});

describe('EventStoreKafkaRelay', () => {
  it('publishes each stream category to its own topic, keyed by customer, with the stream in a header', async () => {
    await store.appendToStream('customer-c1', [event('crm.order.completed', 'c1')]);
    await store.appendToStream(loyaltyStreamId('c1'), [event('crm.loyalty.points-earned', 'c1'), event('crm.loyalty.points-redeemed', 'c1')]);
    await store.appendToStream(segmentMembershipStreamId('c1'), [event('crm.segment.entered', 'c1')]);
    await store.appendToStream('bookkeeping-1', [event('internal', 'x')]);

    const saved: bigint[] = [];
    const checkpoints: CheckpointStore = { load: async () => undefined, save: async (_n, p) => void saved.push(p), close: async () => undefined };
    const producer = createProducer(kafka);
    await producer.connect();
    const relay = new EventStoreKafkaRelay(store, producer, checkpoints, {
      name: 'it',
      topicOf: (streamId) => {
        const stream = parseStreamId(streamId);
        return stream ? prefix + TOPIC_OF_STREAM_CATEGORY[stream.category] : null;
      },
    });
    await relay.start();

    const received = new Map<string, KafkaMessage[]>();
    const consumer = kafka.consumer({ groupId: `it-relay-${stamp}` });
    await consumer.connect();
    await consumer.subscribe({ topics, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ topic, message }) => void received.set(topic, [...(received.get(topic) ?? []), message]) });
    const deadline = Date.now() + 30_000;
    while ([...received.values()].flat().length < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    await consumer.disconnect();
    await relay.stop();
    await producer.disconnect();

    const types = (topic: string) => (received.get(prefix + topic) ?? []).map((m) => parseCustomerEventMessage(m).envelope.type);
    expect(types(Topics.customerEvents)).toEqual(['crm.order.completed']);
    expect(types(Topics.loyaltyEvents)).toEqual(['crm.loyalty.points-earned', 'crm.loyalty.points-redeemed']);
    expect(types(Topics.segmentMembership)).toEqual(['crm.segment.entered']);
    expect(received.get(prefix + Topics.lifecycleStages)).toBeUndefined();
    const loyalty = received.get(prefix + Topics.loyaltyEvents) ?? [];
    expect(loyalty.map((m) => m.key?.toString())).toEqual(['c1', 'c1']);
    expect(loyalty.map((m) => parseCustomerEventMessage(m))).toEqual([
      expect.objectContaining({ streamId: 'loyalty-c1', streamRevision: 0 }),
      expect.objectContaining({ streamId: 'loyalty-c1', streamRevision: 1 }),
    ]);
    expect(loyalty[0].headers?.[EventHeaders.streamId]?.toString()).toBe('loyalty-c1');
    // the checkpoint covers the skipped bookkeeping stream too
    const all = await store.readAll();
    expect(saved[saved.length - 1]).toBe(all[all.length - 1].position);
  });
});
