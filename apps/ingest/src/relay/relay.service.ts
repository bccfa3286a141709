import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap, type OnModuleInit } from '@nestjs/common';
import type { Admin, Kafka, Producer } from 'kafkajs';
import { parseStreamId, TOPIC_OF_STREAM_CATEGORY, Topics } from '@crm/contracts';
import type { EventStore } from '@crm/event-store';
import {
  createKafka,
  createProducer,
  ensureTopics,
  EventStoreDbCheckpointStore,
  EventStoreKafkaRelay,
  PostgresCheckpointStore,
  sleep,
  topicName,
  type CheckpointStore,
} from '@crm/messaging';
import { MetricsService, ReadinessRegistry } from '@crm/platform';
import { EVENT_STORE } from '../events/event-store.provider';
import { INGEST_SETTINGS, SERVICE, type IngestSettings } from '../ingest.env';

/** Runs the event store → Kafka relay inside the ingest process: each stream category to its topic (customer events, loyalty, segment membership, lifecycle). */
@Injectable()
export class RelayService implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Relay');
  private readonly kafka: Kafka;
  private producer?: Producer;
  private admin?: Admin;
  private checkpoints?: CheckpointStore;
  private relay?: EventStoreKafkaRelay;
  private starting?: Promise<void>;
  private stopping = false;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(INGEST_SETTINGS) private readonly settings: IngestSettings,
    private readonly readiness: ReadinessRegistry,
    private readonly metrics: MetricsService,
  ) {
    this.kafka = createKafka(settings.kafka, SERVICE);
  }

  onModuleInit(): void {
    if (!this.settings.ingest.RELAY_ENABLED) return;
    this.readiness.register({
      name: 'kafka',
      check: async () => {
        if (!this.relay || !this.admin) throw new Error('relay not started yet');
        await this.admin.describeCluster();
      },
    });
  }

  onApplicationBootstrap(): void {
    if (this.settings.ingest.RELAY_ENABLED) this.starting = this.startWithRetries();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.starting;
    await this.relay?.stop();
    await this.producer?.disconnect();
    await this.admin?.disconnect();
    await this.checkpoints?.close();
  }

  private createCheckpointStore(): Promise<CheckpointStore> {
    const es = this.settings.eventStore;
    return es.EVENT_STORE === 'postgres'
      ? PostgresCheckpointStore.connect(es.POSTGRES_URL, es.POSTGRES_SCHEMA)
      : Promise.resolve(new EventStoreDbCheckpointStore(es.EVENTSTORE_URL ?? ''));
  }

  private async startWithRetries(): Promise<void> {
    const published = this.metrics.counter('relay_events_published_total', 'Events acknowledged by Kafka');
    const position = this.metrics.gauge('relay_checkpoint_position', 'Global position of the last relayed event');
    const errors = this.metrics.counter('relay_errors_total', 'Relay publish failures (retried)');
    for (let attempt = 0; !this.stopping; attempt++) {
      try {
        const { KAFKA_TOPIC_PARTITIONS: numPartitions, KAFKA_REPLICATION_FACTOR: replicationFactor } = this.settings.kafka;
        const topic = (name: string) => topicName(this.settings.kafka, name);
        const relayed = Object.values(TOPIC_OF_STREAM_CATEGORY).map((name) => ({ topic: topic(name), numPartitions, replicationFactor }));
        await ensureTopics(this.kafka, [
          ...relayed,
          { topic: topic(Topics.ingest), numPartitions, replicationFactor },
          { topic: topic(Topics.ingestDeadLetter), numPartitions: 1, replicationFactor },
        ]);
        this.admin = this.kafka.admin();
        await this.admin.connect();
        this.producer = createProducer(this.kafka);
        await this.producer.connect();
        this.checkpoints = await this.createCheckpointStore();
        this.relay = new EventStoreKafkaRelay(this.store, this.producer, this.checkpoints, {
          name: this.settings.ingest.RELAY_NAME,
          topicOf: (streamId) => {
            const stream = parseStreamId(streamId);
            return stream ? topic(TOPIC_OF_STREAM_CATEGORY[stream.category]) : null;
          },
          onPublished: (count, last) => {
            published.inc(count);
            position.set(Number(last));
          },
          onError: (error) => {
            errors.inc();
            this.logger.warn(`relay batch failed, retrying: ${error.message}`);
          },
        });
        await this.relay.start();
        this.logger.log(`relaying the event store to ${relayed.map((t) => t.topic).join(', ')} from checkpoint ${this.relay.position ?? 'start'}`);
        return;
      } catch (error) {
        this.logger.error(`relay cannot start yet (${(error as Error).message}); retrying`);
        await this.producer?.disconnect().catch(() => undefined);
        await this.admin?.disconnect().catch(() => undefined);
        await this.checkpoints?.close().catch(() => undefined);
        this.relay = undefined;
        await sleep(Math.min(5_000, 250 * 2 ** attempt));
      }
    }
  }
}
