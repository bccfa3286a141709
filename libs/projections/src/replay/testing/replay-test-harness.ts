import { randomUUID } from 'node:crypto';
import { getConnectionToken } from '@nestjs/mongoose';
import { Kafka, logLevel } from 'kafkajs';
import type { Connection } from 'mongoose';
import { Client } from 'pg';
import { parseStreamId, TOPIC_OF_STREAM_CATEGORY, type EventEnvelope } from '@crm/contracts';
import { PostgresEventStore } from '@crm/event-store';
import { createKafka, createProducer, ensureTopics, EventStoreKafkaRelay, PostgresCheckpointStore, toNewEvent, topicName } from '@crm/messaging';
import { testApiKeyEnv } from '@crm/platform/testing';
import { CONTACT_CARD_TOPICS, type ReplayTestSettings } from './contact-card.service-module';

/** The relay as ingest runs it: the event store's log onto Kafka, one topic per stream category. */
export async function startTestRelay(settings: ReplayTestSettings): Promise<{ store: PostgresEventStore; stop(): Promise<void> }> {
  const store = await PostgresEventStore.connect({ connectionString: settings.eventStore.POSTGRES_URL, schema: settings.eventStore.POSTGRES_SCHEMA, poolSize: 4 });
  const kafka = createKafka(settings.kafka, `${settings.service}-relay`);
  const topic = (name: string) => topicName(settings.kafka, name);
  await ensureTopics(
    kafka,
    Object.values(TOPIC_OF_STREAM_CATEGORY).map((t) => ({ topic: topic(t), numPartitions: settings.kafka.KAFKA_TOPIC_PARTITIONS, replicationFactor: 1 })),
  );
  const producer = createProducer(kafka);
  await producer.connect();
  const checkpoints = await PostgresCheckpointStore.connect(settings.eventStore.POSTGRES_URL, settings.eventStore.POSTGRES_SCHEMA);
  const relay = new EventStoreKafkaRelay(store, producer, checkpoints, {
    name: 'replay-test-relay',
    topicOf: (streamId) => {
      const parsed = parseStreamId(streamId);
      return parsed ? topic(TOPIC_OF_STREAM_CATEGORY[parsed.category]) : null;
    },
  });
  await relay.start();
  return {
    store,
    stop: async () => {
      await relay.stop();
      await producer.disconnect();
      await checkpoints.close();
      await store.close();
    },
  };
}

/** A customer event envelope with a fresh id. */
export function customerEvent(customerId: string, type: string, data: Record<string, unknown>, options: { time?: string; schemaVersion?: number } = {}): EventEnvelope {
  return { id: randomUUID(), type, schemaVersion: options.schemaVersion ?? 1, source: 'replay-test', subject: customerId, time: options.time ?? new Date().toISOString(), data };
}

/**
 * Waits until the read side has consumed everything: the relay has published the whole log and
 * the consumer group has committed every topic's end offsets (derived events included: the
 * consumer appends them, the relay publishes them, the consumer folds them), twice in a row.
 */
export async function waitUntilConsumed(settings: ReplayTestSettings, timeoutMs = 30_000): Promise<void> {
  const kafka = new Kafka({ brokers: settings.kafka.KAFKA_BROKERS, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  const pg = new Client({ connectionString: settings.eventStore.POSTGRES_URL });
  await Promise.all([admin.connect(), pg.connect()]);
  const schema = settings.eventStore.POSTGRES_SCHEMA;
  const group = settings.kafka.KAFKA_CONSUMER_GROUP ?? settings.service;
  const topics = CONTACT_CARD_TOPICS.map((t) => topicName(settings.kafka, t));
  const deadline = Date.now() + timeoutMs;
  try {
    let quietRounds = 0;
    while (quietRounds < 2) {
      if (Date.now() > deadline) throw new Error(`read side did not catch up within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 200));
      const head = await pg.query<{ p: string | null }>(`SELECT max(position)::text AS p FROM ${schema}.events`);
      const relayed = await pg.query<{ p: string | null }>(`SELECT max(position)::text AS p FROM ${schema}.subscription_checkpoints`).catch(() => ({ rows: [{ p: null }] }));
      if ((head.rows[0]?.p ?? '0') !== (relayed.rows[0]?.p ?? '0')) {
        quietRounds = 0;
        continue;
      }
      let lag = 0;
      for (const topic of topics) {
        const ends = await admin.fetchTopicOffsets(topic);
        const [committed] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
        for (const end of ends) {
          const done = committed?.partitions.find((p) => p.partition === end.partition)?.offset ?? '-1';
          const doneAt = Number(done) < 0 ? Number(end.low) : Number(done);
          lag += Number(end.high) - doneAt;
        }
      }
      quietRounds = lag === 0 ? quietRounds + 1 : 0;
    }
  } finally {
    await Promise.all([admin.disconnect(), pg.end()]);
  }
}

/** Appends envelopes to their customers' streams (as ingest does), in order. */
export async function appendCustomerEvents(store: PostgresEventStore, envelopes: readonly EventEnvelope[]): Promise<void> {
  for (const envelope of envelopes) await store.appendToStream(`customer-${envelope.subject}`, [toNewEvent(envelope)]);
}

/**
 * A complete read side on the real servers for replay tests: see `ContactCardServiceModule`.
 */
/** Fresh isolated settings (pass the result's env to a child process to share them). */
export function replayTestEnv(service = 'replaytest'): NodeJS.ProcessEnv {
  const stamp = `${Date.now().toString(36)}${Math.floor(Math.random() * 1000)}`;
  return {
    ...process.env,
    ...testApiKeyEnv(),
    MONGODB_DB: `it_${service}_${stamp}`,
    KAFKA_TOPIC_PREFIX: `it${stamp}.`,
    KAFKA_CONSUMER_GROUP: `it-${service}-${stamp}`,
    KAFKA_TOPIC_PARTITIONS: '2',
    POSTGRES_SCHEMA: `it_${service}_${stamp}`,
    POSTGRES_POOL_SIZE: '4',
    LOG_LEVEL: 'warn',
  };
}

/** Removes what a replay test wrote: its database, schema and topics. */
export async function dropReplayTestData(settings: ReplayTestSettings, connection?: Connection): Promise<void> {
  if (connection) await connection.dropDatabase().catch(() => undefined);
  const pg = new Client({ connectionString: settings.eventStore.POSTGRES_URL });
  await pg.connect();
  try {
    await pg.query(`DROP SCHEMA IF EXISTS ${settings.eventStore.POSTGRES_SCHEMA} CASCADE`);
  } finally {
    await pg.end();
  }
  const admin = new Kafka({ brokers: settings.kafka.KAFKA_BROKERS, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(settings.kafka.KAFKA_TOPIC_PREFIX));
    if (topics.length > 0) await admin.deleteTopics({ topics });
  } finally {
    await admin.disconnect();
  }
}

export const connectionOf = (app: { get<T>(token: unknown): T }): Connection => app.get<Connection>(getConnectionToken());
