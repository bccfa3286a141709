import type { KafkaMessage } from 'kafkajs';
import { Client } from 'pg';
import request from 'supertest';
import { parseStreamId, TOPIC_OF_STREAM_CATEGORY, type CustomerEventRecord, type EventEnvelope } from '@crm/contracts';
import { PostgresEventStore } from '@crm/event-store';
import { createKafka, createProducer, ensureTopics, EventStoreKafkaRelay, parseCustomerEventMessage, toKafkaMessage, toNewEvent, topicName, type CheckpointStore } from '@crm/messaging';
import { apiKeyEntry, TEST_API_KEY } from '@crm/platform/testing';
import { isolatedReadSideEnv, startReadSideApp, stopReadSideApp, type ReadSideTestApp } from '@crm/projections/testing';
import { SegmentBackfillService } from '../segments/backfill/segment-backfill.service';
import type { MaintenanceLock } from '../segments/maintenance/maintenance-lock';
import { MAINTENANCE_LOCK } from '../segments/maintenance/maintenance.tokens';
import { SegmentSweepService } from '../segments/sweep/segment-sweep.service';
import { loadSegmentationSettings, type SegmentationSettings } from '../segmentation.env';
import { SegmentationModule } from '../segmentation.module';

/** A key that may read segments but not change them. */
export const READER_API_KEY = 'crm-test-reader-0123456789abcdef0123456789ab';

/**
 * Integration tests run the real segmentation module on the shared real servers, isolated per
 * run: own MongoDB database, topic prefix, consumer group and event-store schema (in the test
 * database). The sweep does not run by itself: tests call it with the time they want.
 */
export function segmentationTestSettings(extra: NodeJS.ProcessEnv = {}): SegmentationSettings {
  const env = isolatedReadSideEnv('segmentation');
  const stamp = String(env['KAFKA_TOPIC_PREFIX']).replace(/\D/g, '');
  return loadSegmentationSettings({
    ...env,
    API_KEYS: `${apiKeyEntry('test', TEST_API_KEY, ['*'])};${apiKeyEntry('reader', READER_API_KEY, ['segments:read'])}`,
    POSTGRES_URL: process.env['POSTGRES_TEST_URL'] ?? 'postgres://crm@127.0.0.1:55432/crm_test',
    POSTGRES_SCHEMA: `it_segmentation_${stamp}`,
    SEGMENT_SWEEP_ENABLED: 'false',
    SEGMENT_BATCH: '500',
    SEGMENT_HISTORY_INTERVAL_MS: '60000',
    ...extra,
  });
}

export async function waitFor<T>(probe: () => Promise<T | undefined | false> | T | undefined | false, what: string, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface SegmentationTestApp extends ReadSideTestApp {
  readonly settings: SegmentationSettings;
  readonly sweep: SegmentSweepService;
  readonly backfills: SegmentBackfillService;
  readonly http: () => ReturnType<typeof request>;
}

/** Starts the module and waits until it can derive events (its event store is connected). */
export async function startSegmentationApp(settings: SegmentationSettings): Promise<SegmentationTestApp> {
  const test = await startReadSideApp(SegmentationModule.register(settings), settings.kafka);
  await waitFor(() => test.readSide.eventStore, 'the event store connection');
  return {
    ...test,
    settings,
    sweep: test.app.get(SegmentSweepService),
    backfills: test.app.get(SegmentBackfillService),
    http: () => request(test.app.getHttpServer()),
  };
}

/** Drops the database, topics and event-store schema of the run. */
export async function stopSegmentationApp(test: SegmentationTestApp | undefined): Promise<void> {
  if (!test) return;
  // A back-fill still writing after the database is dropped would create it again.
  await test.app.get<MaintenanceLock>(MAINTENANCE_LOCK).idle();
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
export async function startStoreWithRelay(settings: SegmentationSettings): Promise<{ store: PostgresEventStore; stop: () => Promise<void> }> {
  const store = await PostgresEventStore.connect({ connectionString: settings.eventStore.POSTGRES_URL, schema: settings.eventStore.POSTGRES_SCHEMA });
  const kafka = createKafka(settings.kafka, 'it-segmentation-relay');
  await ensureTopics(
    kafka,
    Object.values(TOPIC_OF_STREAM_CATEGORY).map((t) => ({ topic: topicName(settings.kafka, t), numPartitions: settings.kafka.KAFKA_TOPIC_PARTITIONS, replicationFactor: 1 })),
  );
  const producer = createProducer(kafka);
  await producer.connect();
  let saved: bigint | undefined;
  const checkpoints: CheckpointStore = { load: async () => saved, save: async (_n, p) => void (saved = p), close: async () => undefined };
  const relay = new EventStoreKafkaRelay(store, producer, checkpoints, {
    name: 'it-segmentation',
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

/** Every stored event of the given categories as a read side folds it, in log order: what a rebuild applies. */
export async function recordsFromLog(store: PostgresEventStore, categories: readonly string[]): Promise<CustomerEventRecord[]> {
  const stored = await store.readAll({});
  return stored
    .filter((s) => categories.includes(parseStreamId(s.streamId)?.category ?? ''))
    .map((s) => parseCustomerEventMessage(toKafkaMessage(s) as unknown as KafkaMessage));
}

/** Reads a (prefixed) topic from the beginning until `count` messages arrived, in arrival order. */
export async function readTopic(settings: SegmentationSettings, topic: string, count: number, timeoutMs = 60_000): Promise<CustomerEventRecord[]> {
  const kafka = createKafka(settings.kafka, 'it-segmentation-reader');
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
