import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type KafkaMessage } from 'kafkajs';
import { EventHeaders, type CustomerEventRecord } from '@crm/contracts';
import { CustomerEventConsumer } from './customer-event-consumer';

// Real Kafka (infra/local/crm-infra up). Topics and groups are unique to this run.
const brokers = (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:59092').split(',');
const stamp = `${Date.now()}${Math.floor(Math.random() * 1000)}`;
const topic = `it${stamp}.crm.customer-events.v1`;
const dlq = `it${stamp}.crm.test.dlq.v1`;
const kafka = new Kafka({ brokers, clientId: 'it', logLevel: logLevel.NOTHING });

const message = (customer: string, revision: number, id = randomUUID()) => ({
  key: customer,
  value: JSON.stringify({ id, type: 'crm.order.completed', schemaVersion: 1, source: 'it', subject: customer, time: new Date().toISOString(), data: { orderId: `o-${revision}`, totalMinor: 100, currency: 'EUR' } }),
  headers: { [EventHeaders.eventId]: id, [EventHeaders.streamRevision]: String(revision), [EventHeaders.position]: String(revision + 1) },
});

const waitFor = async (what: string, ok: () => boolean, timeoutMs = 30_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};

beforeAll(async () => {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 3 }, { topic: dlq, numPartitions: 1 }], waitForLeaders: true });
  await admin.disconnect();
});

afterAll(async () => {
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [topic, dlq] });
  await admin.disconnect();
});

describe('CustomerEventConsumer', () => {
  it('applies batches, sends a poison event and a malformed message to the dead-letter topic with the error, and keeps flowing', async () => {
    const poisonId = randomUUID();
    const applied: CustomerEventRecord[] = [];
    let attemptsOnPoison = 0;
    const consumer = new CustomerEventConsumer(kafka, {
      groupId: `it-${stamp}`,
      topic,
      deadLetterTopic: dlq,
      maxAttempts: 2,
      retryBaseMs: 10,
      handler: async (records) => {
        if (records.some((r) => r.envelope.id === poisonId)) {
          attemptsOnPoison++;
          throw new TypeError('projection cannot apply this event');
        }
        applied.push(...records);
      },
    });
    await consumer.start();
    await waitFor('group join', () => consumer.isRunning);

    const producer = kafka.producer();
    await producer.connect();
    const good = Array.from({ length: 20 }, (_, i) => message(`c${i % 5}`, Math.floor(i / 5)));
    await producer.send({
      topic,
      messages: [...good.slice(0, 10), message('c9', 0, poisonId), { key: 'c8', value: 'not json', headers: {} }, ...good.slice(10)],
    });

    const dead: KafkaMessage[] = [];
    const reader = kafka.consumer({ groupId: `it-dlq-${stamp}` });
    await reader.connect();
    await reader.subscribe({ topic: dlq, fromBeginning: true });
    await reader.run({ eachMessage: async ({ message: m }) => void dead.push(m) });

    await waitFor('good events applied', () => applied.length >= good.length);
    await waitFor('two dead letters', () => dead.length >= 2);
    await producer.disconnect();
    await reader.disconnect();
    await consumer.stop();

    expect(new Set(applied.map((r) => r.envelope.id))).toEqual(new Set(good.map((g) => g.headers[EventHeaders.eventId])));
    expect(attemptsOnPoison).toBeGreaterThanOrEqual(2);
    const byKey = new Map(dead.map((m) => [String(m.key), m]));
    const poison = byKey.get('c9')!;
    expect(String(poison.headers?.[EventHeaders.error])).toContain('projection cannot apply this event');
    expect(String(poison.headers?.[EventHeaders.failedConsumerGroup])).toBe(`it-${stamp}`);
    expect(String(poison.headers?.[EventHeaders.originalTopic])).toBe(topic);
    expect(String(poison.headers?.[EventHeaders.eventId])).toBe(poisonId);
    expect(JSON.parse(String(poison.value)).id).toBe(poisonId);
    expect(String(byKey.get('c8')!.headers?.[EventHeaders.error])).toMatch(/not JSON/);
  }, 60_000);

  it('commits only what was applied: a restarted consumer in the same group does not see applied events again', async () => {
    const group = `it-commit-${stamp}`;
    const seen: string[] = [];
    const run = async () => {
      const consumer = new CustomerEventConsumer(kafka, {
        groupId: group,
        topic,
        deadLetterTopic: dlq,
        handler: async (records) => void seen.push(...records.map((r) => r.envelope.id)),
      });
      await consumer.start();
      await waitFor('group join', () => consumer.isRunning);
      return consumer;
    };
    const first = await run();
    await waitFor('first pass', () => seen.length >= 20);
    await first.stop();
    const before = seen.length;
    const producer = kafka.producer();
    await producer.connect();
    const fresh = message('c1', 99);
    await producer.send({ topic, messages: [fresh] });
    await producer.disconnect();
    const second = await run();
    await waitFor('fresh event', () => seen.includes(fresh.headers[EventHeaders.eventId]));
    await second.stop();
    expect(seen.length).toBe(before + 1);
  }, 60_000);
});
