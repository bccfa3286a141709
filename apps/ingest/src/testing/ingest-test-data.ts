import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';
import type { IngestSettings } from '../ingest.env';

/**
 * Removes what an ingest integration test wrote to the shared real servers: its event-store
 * schema (events, streams, checkpoints, identities) and every topic under its prefix.
 */
export async function dropIngestTestData(settings: IngestSettings): Promise<void> {
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
