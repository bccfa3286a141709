import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type KafkaMessage } from 'kafkajs';
import { InboundHeaders } from './inbound-headers';
import { InboundEventConsumer, type InboundBatchHandler } from './inbound-event-consumer';

// Real Kafka (infra/local/crm-infra up). Topics and groups are unique to this run.
const brokers = (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:59092').split(',');
const stamp = `${Date.now()}${Math.floor(Math.random() * 1000)}`;
const topic = `itin${stamp}.crm.ingest.v1`;
const dlq = `itin${stamp}.crm.ingest.dlq.v1`;
const kafka = new Kafka({ brokers, clientId: 'it', logLevel: logLevel.NOTHING });

const waitFor = async (what: string, ok: () => boolean, timeoutMs = 30_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

const event = (customerId: string, valid = true) => ({ id: randomUUID(), customerId, valid });

beforeAll(async () => {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 2 }, { topic: dlq, numPartitions: 1 }], waitForLeaders: true });
  await admin.disconnect();
});

afterAll(async () => {
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [topic, dlq] });
  await admin.disconnect();
});

describe('InboundEventConsumer', () => {
  it('waits out an outage of the store (never dead-letters it), dead-letters refusals, and commits only what was handled', async () => {
    const group = `itin-${stamp}`;
    const stored = new Set<string>();
    let outage = 3; // the first three calls fail as if the database were down
    let calls = 0;
    const handler: InboundBatchHandler = async (events) => {
      calls++;
      if (outage > 0) {
        outage--;
        throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:55432'), { code: 'ECONNREFUSED' });
      }
      return events.map((e) => {
        if (e['valid'] !== true) return { ok: false, errors: [{ field: 'valid', messages: ['valid must be true'] }] };
        const duplicate = stored.has(String(e['id']));
        stored.add(String(e['id']));
        return { ok: true, duplicate };
      });
    };
    const counts = { stored: 0, duplicate: 0, deadLettered: 0 };
    const run = async () => {
      const consumer = new InboundEventConsumer(kafka, {
        groupId: group,
        topic,
        deadLetterTopic: dlq,
        retryBaseMs: 10,
        retryMaxMs: 50,
        hooks: {
          onOutcomes: (c) => {
            counts.stored += c.stored;
            counts.duplicate += c.duplicate;
            counts.deadLettered += c.deadLettered;
          },
        },
        handler,
      });
      await consumer.start();
      await waitFor('group join', () => consumer.isRunning);
      return consumer;
    };

    const good = Array.from({ length: 10 }, (_, i) => event(`c${i % 4}`));
    const bad = event('c1', false);
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic,
      messages: [...good.slice(0, 5), bad, { key: 'c2', value: 'not json' }, ...good.slice(5)].map((e) =>
        'value' in e ? e : { key: e.customerId, value: JSON.stringify(e) },
      ),
    });

    const dead: KafkaMessage[] = [];
    const reader = kafka.consumer({ groupId: `itin-dlq-${stamp}` });
    await reader.connect();
    await reader.subscribe({ topic: dlq, fromBeginning: true });
    await reader.run({ eachMessage: async ({ message }) => void dead.push(message) });

    const first = await run();
    await waitFor('every good event stored', () => good.every((g) => stored.has(g.id)));
    await waitFor('two dead letters', () => dead.length >= 2);
    expect(calls).toBeGreaterThan(3);
    expect(counts).toEqual({ stored: 10, duplicate: 0, deadLettered: 2 });
    expect(dead.map((m) => m.headers?.[InboundHeaders.error]?.toString()).sort()).toEqual(['validation failed', 'value is not JSON']);
    await first.stop();

    // Restarted in the same group: nothing handled before comes again, only the new record.
    const fresh = event('c3');
    await producer.send({ topic, messages: [{ key: fresh.customerId, value: JSON.stringify(fresh) }] });
    const second = await run();
    await waitFor('fresh event', () => stored.has(fresh.id));
    await second.stop();
    await producer.disconnect();
    await reader.disconnect();
    expect(counts).toEqual({ stored: 11, duplicate: 0, deadLettered: 2 });
    expect(dead).toHaveLength(2);
  }, 60_000);
});
