import type { KafkaMessage } from 'kafkajs';
import { Client } from 'pg';
import request from 'supertest';
import { parseStreamId, TOPIC_OF_STREAM_CATEGORY, type CustomerEventRecord, type EventEnvelope } from '@crm/contracts';
import { PostgresEventStore } from '@crm/event-store';
import { authHeader } from '@crm/platform/testing';
import { createKafka, createProducer, EventStoreKafkaRelay, parseCustomerEventMessage, toKafkaMessage, toNewEvent, topicName, type CheckpointStore } from '@crm/messaging';
import { isolatedReadSideEnv, startReadSideApp, stopReadSideApp, type ReadSideTestApp } from '@crm/projections/testing';
import { loadProfileSettings, type ProfileSettings } from '../profile.env';
import { ProfileModule } from '../profile.module';
import { ProfileSweepService } from '../sweep/profile-sweep.service';

/**
 * Integration tests run the real profile module on the shared real servers, isolated per run:
 * own MongoDB database, topic prefix, consumer group and event-store schema (in the test
 * database). The sweep does not run by itself: tests call it with the time they want.
 */
export function profileTestSettings(extra: NodeJS.ProcessEnv = {}): ProfileSettings {
  const env = isolatedReadSideEnv('profile');
  const stamp = String(env['KAFKA_TOPIC_PREFIX']).replace(/\D/g, '');
  return loadProfileSettings({
    ...env,
    POSTGRES_URL: process.env['POSTGRES_TEST_URL'] ?? 'postgres://crm@127.0.0.1:55432/crm_test',
    POSTGRES_SCHEMA: `it_profile_${stamp}`,
    PROFILE_SWEEP_ENABLED: 'false',
    ...extra,
  });
}

export async function waitFor<T>(probe: () => Promise<T | undefined> | T | undefined, what: string, timeoutMs = 45_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface ProfileTestApp extends ReadSideTestApp {
  readonly settings: ProfileSettings;
  readonly sweep: ProfileSweepService;
  readonly get: (path: string) => request.Test;
}

/** Starts the module and waits until it can derive events (its event store is connected). */
export async function startProfileApp(settings: ProfileSettings): Promise<ProfileTestApp> {
  const test = await startReadSideApp(ProfileModule.register(settings), settings.kafka);
  await waitFor(() => test.readSide.eventStore, 'the event store connection');
  return { ...test, settings, sweep: test.app.get(ProfileSweepService), get: (path) => request(test.app.getHttpServer()).get(path).set(authHeader()) };
}

/** Drops the database, topics and event-store schema of the run. */
export async function stopProfileApp(test: ProfileTestApp | undefined): Promise<void> {
  if (!test) return;
  await stopReadSideApp(test);
  const pg = new Client({ connectionString: test.settings.eventStore.POSTGRES_URL });
  await pg.connect();
  try {
    await pg.query(`DROP SCHEMA IF EXISTS ${test.settings.eventStore.POSTGRES_SCHEMA} CASCADE`);
  } finally {
    await pg.end();
  }
}

/** The run's event store with the relay ingest runs (every category to its prefixed topic), as on a deployment. */
export async function startStoreWithRelay(settings: ProfileSettings): Promise<{ store: PostgresEventStore; stop: () => Promise<void> }> {
  const store = await PostgresEventStore.connect({ connectionString: settings.eventStore.POSTGRES_URL, schema: settings.eventStore.POSTGRES_SCHEMA });
  const producer = createProducer(createKafka(settings.kafka, 'it-profile-relay'));
  await producer.connect();
  let saved: bigint | undefined;
  const checkpoints: CheckpointStore = { load: async () => saved, save: async (_n, p) => void (saved = p), close: async () => undefined };
  const relay = new EventStoreKafkaRelay(store, producer, checkpoints, {
    name: 'it-profile',
    topicOf: (streamId) => {
      const stream = parseStreamId(streamId);
      return stream ? topicName(settings.kafka, TOPIC_OF_STREAM_CATEGORY[stream.category]) : null;
    },
  });
  await relay.start();
  return {
    store,
    stop: async () => {
      await relay.stop();
      await producer.disconnect();
      await store.close();
    },
  };
}

/** Appends customer events as ingest stores them (stream `customer-<subject>`). */
export async function appendCustomerEvents(store: PostgresEventStore, events: readonly EventEnvelope[]): Promise<void> {
  for (const e of events) await store.appendToStream(`customer-${e.subject}`, [toNewEvent(e)]);
}

/** Every stored event as a read side folds it, in log order: what a rebuild from the log applies. */
export async function recordsFromLog(store: PostgresEventStore): Promise<CustomerEventRecord[]> {
  const stored = await store.readAll({});
  return stored.filter((s) => parseStreamId(s.streamId) !== null).map((s) => parseCustomerEventMessage(toKafkaMessage(s) as unknown as KafkaMessage));
}

/** Reads a (prefixed) topic from the beginning until `count` messages arrived. */
export async function readTopic(settings: ProfileSettings, topic: string, count: number, timeoutMs = 45_000): Promise<CustomerEventRecord[]> {
  const kafka = createKafka(settings.kafka, 'it-profile-reader');
  const consumer = kafka.consumer({ groupId: `${settings.kafka.KAFKA_CONSUMER_GROUP}-reader-${Date.now()}` });
  const received: CustomerEventRecord[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topicName(settings.kafka, topic)], fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void received.push(parseCustomerEventMessage(message)) });
    await waitFor(() => received.length >= count, `${count} messages on ${topic} (got ${received.length})`, timeoutMs);
  } finally {
    await consumer.disconnect();
  }
  return received;
}
