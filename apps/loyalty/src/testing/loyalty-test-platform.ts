import { randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { Client } from 'pg';
import request from 'supertest';
import { customerStreamId, parseStreamId, TOPIC_OF_STREAM_CATEGORY } from '@crm/contracts';
import { PostgresEventStore } from '@crm/event-store';
import type { LoyaltyProgram } from '@crm/loyalty-domain';
import { createProducer, EventStoreKafkaRelay, PostgresCheckpointStore, topicName } from '@crm/messaging';
import { authHeader } from '@crm/platform/testing';
import { isolatedReadSideEnv, startReadSideApp, stopReadSideApp, type ReadSideTestApp } from '@crm/projections/testing';
import { loadLoyaltySettings, type LoyaltySettings } from '../loyalty.env';
import { LoyaltyModule } from '../loyalty.module';

/**
 * The loyalty service on the real servers, as deployed: its instances (real module, real MongoDB,
 * Kafka and PostgreSQL event store) plus the relay ingest runs, publishing every stream category
 * to its topic. Customer events are appended to the event store as ingest would store them.
 * Everything is isolated per run (schema, topic prefix, consumer groups, database) and removed by `stop`.
 */
export class LoyaltyTestPlatform {
  private constructor(
    readonly settings: LoyaltySettings,
    readonly instances: ReadSideTestApp[],
    readonly store: PostgresEventStore,
    private readonly relay: EventStoreKafkaRelay,
    private readonly producer: Producer,
    private readonly checkpoints: PostgresCheckpointStore,
  ) {}

  static async start(options: { instances?: number; program?: LoyaltyProgram } = {}): Promise<LoyaltyTestPlatform> {
    const stamp = `${Date.now()}${Math.floor(Math.random() * 1000)}`;
    // fatal: readiness polls answer 503 until the consumers joined, which would log as errors.
    const env: NodeJS.ProcessEnv = { ...isolatedReadSideEnv('loyalty'), POSTGRES_SCHEMA: `it_loyalty_${stamp}`, LOYALTY_MAINTENANCE_INTERVAL_MS: '0', LOG_LEVEL: 'fatal' };
    if (options.program) {
      const file = join(tmpdir(), `loyalty-program-${stamp}.json`);
      writeFileSync(file, JSON.stringify(options.program));
      env['LOYALTY_PROGRAM_FILE'] = file;
    }
    const settings = loadLoyaltySettings(env);
    const instances: ReadSideTestApp[] = [];
    for (let i = 0; i < (options.instances ?? 1); i++) instances.push(await startReadSideApp(LoyaltyModule.register(settings), settings.kafka));
    // Ready = read side and command consumer joined their groups, so nothing relayed from now on is missed.
    for (const { app } of instances) await waitFor('loyalty ready', async () => ((await request(app.getHttpServer()).get('/health/ready')).status === 200 ? true : undefined), 60_000);

    const { POSTGRES_URL, POSTGRES_SCHEMA } = settings.eventStore;
    const store = await PostgresEventStore.connect({ connectionString: POSTGRES_URL, schema: POSTGRES_SCHEMA });
    const kafka = new Kafka({ brokers: settings.kafka.KAFKA_BROKERS, clientId: 'it-relay', logLevel: logLevel.NOTHING });
    const producer = createProducer(kafka);
    await producer.connect();
    const checkpoints = await PostgresCheckpointStore.connect(POSTGRES_URL, POSTGRES_SCHEMA);
    const relay = new EventStoreKafkaRelay(store, producer, checkpoints, {
      name: 'it-relay',
      topicOf: (streamId) => {
        const stream = parseStreamId(streamId);
        return stream ? topicName(settings.kafka, TOPIC_OF_STREAM_CATEGORY[stream.category]) : null;
      },
    });
    await relay.start();
    return new LoyaltyTestPlatform(settings, instances, store, relay, producer, checkpoints);
  }

  app(i = 0): INestApplication {
    return this.instances[i].app;
  }

  http(i = 0) {
    return request(this.app(i).getHttpServer());
  }

  get<T = any>(path: string, i = 0): Promise<{ status: number; body: T }> {
    return this.http(i).get(path).set(authHeader()).then((r) => ({ status: r.status, body: r.body as T }));
  }

  /** Stores a customer event as ingest would (stream `customer-<id>`); returns its id. */
  async customerEvent(customerId: string, type: string, data: Record<string, unknown>, options: { id?: string; time?: string } = {}): Promise<string> {
    const id = options.id ?? randomUUID();
    await this.store.appendToStream(customerStreamId(customerId), [
      { eventId: id, type, data, metadata: { schemaVersion: 1, source: 'it', subject: customerId, time: options.time ?? new Date().toISOString() } },
    ]);
    return id;
  }

  async stop(): Promise<void> {
    await this.relay.stop();
    await this.producer.disconnect();
    await this.checkpoints.close();
    for (const instance of this.instances.slice(1)) await instance.app.close();
    await stopReadSideApp(this.instances[0]);
    await this.store.close();
    const pg = new Client({ connectionString: this.settings.eventStore.POSTGRES_URL });
    await pg.connect();
    try {
      await pg.query(`DROP SCHEMA IF EXISTS ${this.settings.eventStore.POSTGRES_SCHEMA} CASCADE`);
    } finally {
      await pg.end();
    }
  }
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
