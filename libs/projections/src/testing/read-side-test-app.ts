import type { DynamicModule, INestApplication } from '@nestjs/common';
import { getConnectionToken } from '@nestjs/mongoose';
import { Test } from '@nestjs/testing';
import { Kafka, logLevel } from 'kafkajs';
import type { Connection } from 'mongoose';
import type { KafkaEnv } from '@crm/messaging';
import { testApiKeyEnv } from '@crm/platform/testing';
import { ReadSideService } from '../nest/read-side.service';

/**
 * Environment for a read-side integration test on the shared real servers: its own database,
 * topic prefix and consumer group, so the service's background consumer neither reads nor
 * disturbs anyone else's events. Its API accepts TEST_API_KEY (send `authHeader()` from
 * `@crm/platform/testing`).
 */
export function isolatedReadSideEnv(service: string): NodeJS.ProcessEnv {
  const stamp = `${Date.now()}${Math.floor(Math.random() * 1000)}`;
  return {
    ...process.env,
    ...testApiKeyEnv(),
    MONGODB_DB: `it_${service}_${stamp}`,
    KAFKA_TOPIC_PREFIX: `it${stamp}.`,
    KAFKA_CONSUMER_GROUP: `it-${service}-${stamp}`,
    LOG_LEVEL: 'warn',
  };
}

export interface ReadSideTestApp {
  readonly app: INestApplication;
  /** Applies records straight to the read models, as the consumer would. */
  readonly readSide: ReadSideService;
  readonly kafka: KafkaEnv;
}

/** Boots a read-side service's real module (real MongoDB, real Kafka) inside the test process. */
export async function startReadSideApp(module: DynamicModule, kafka: KafkaEnv): Promise<ReadSideTestApp> {
  const moduleRef = await Test.createTestingModule({ imports: [module] }).compile();
  const app = moduleRef.createNestApplication({ logger: ['error'] });
  await app.init();
  return { app, readSide: app.get(ReadSideService), kafka };
}

/** Drops the test database, closes the app and deletes the run's topics. */
export async function stopReadSideApp(test: ReadSideTestApp | undefined): Promise<void> {
  if (!test) return;
  await test.app.get<Connection>(getConnectionToken()).dropDatabase();
  await test.app.close();
  const admin = new Kafka({ brokers: test.kafka.KAFKA_BROKERS, logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(test.kafka.KAFKA_TOPIC_PREFIX));
    if (topics.length > 0) await admin.deleteTopics({ topics });
  } finally {
    await admin.disconnect();
  }
}
