import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap, type OnModuleInit } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { Topics } from '@crm/contracts';
import { createKafka, ensureTopics, InboundEventConsumer, sleep, topicName, type InboundOutcome } from '@crm/messaging';
import { MetricsService, ReadinessRegistry } from '@crm/platform';
import { RecordCustomerEventHandler } from '../events/record-customer-event.handler';
import { INGEST_SETTINGS, SERVICE, type IngestSettings } from '../ingest.env';

/** The consumer group of the Kafka way in: INGEST_KAFKA_GROUP, else `ingest` behind the topic prefix. */
export const kafkaIngestGroup = (settings: IngestSettings): string =>
  settings.ingest.INGEST_KAFKA_GROUP ?? `${settings.kafka.KAFKA_TOPIC_PREFIX}${SERVICE}`;

/**
 * The Kafka way in: integrators publish to `crm.ingest.v1` what they would POST to `/v1/events`;
 * each fetched batch goes through the same `RecordCustomerEventHandler.recordMany` as HTTP (so
 * both ways judge alike and group-commit alike), refused events go to `crm.ingest.dlq.v1`, and
 * offsets are committed only once every record is stored or dead-lettered.
 */
@Injectable()
export class KafkaIngestService implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('KafkaIngest');
  private readonly kafka: Kafka;
  private consumer?: InboundEventConsumer;
  private starting?: Promise<void>;
  private stopping = false;
  private readonly events;
  private readonly retries;

  constructor(
    private readonly handler: RecordCustomerEventHandler,
    @Inject(INGEST_SETTINGS) private readonly settings: IngestSettings,
    private readonly readiness: ReadinessRegistry,
    metrics: MetricsService,
  ) {
    this.kafka = createKafka(settings.kafka, SERVICE);
    this.events = metrics.counter('ingest_kafka_events_total', 'Records consumed from crm.ingest.v1 by outcome', ['outcome']);
    this.retries = metrics.counter('ingest_kafka_retries_total', 'Failed attempts to store or dead-letter a chunk (retried)', ['stage']);
    for (const outcome of ['stored', 'duplicate', 'dead_lettered']) this.events.inc({ outcome }, 0);
  }

  onModuleInit(): void {
    if (!this.settings.ingest.INGEST_KAFKA_ENABLED) return;
    this.readiness.register({
      name: 'kafka-ingest',
      check: async () => {
        if (!this.consumer?.isRunning) throw new Error(`consumer group ${kafkaIngestGroup(this.settings)} not joined yet`);
      },
    });
  }

  onApplicationBootstrap(): void {
    if (this.settings.ingest.INGEST_KAFKA_ENABLED) this.starting = this.startWithRetries();
  }

  /** Before the event store closes (onApplicationShutdown): the batch in flight finishes or is left for redelivery. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.starting;
    await this.consumer?.stop();
  }

  /** Outcomes as the consumer needs them; a thrown error (the store is down) propagates and is retried. */
  private async record(events: Record<string, unknown>[]): Promise<InboundOutcome[]> {
    const outcomes = await this.handler.recordMany(events);
    return outcomes.map((o) => (o.ok ? { ok: true, duplicate: o.recorded.duplicate } : { ok: false, errors: o.errors }));
  }

  private async startWithRetries(): Promise<void> {
    const { events, retries } = this;
    const groupId = kafkaIngestGroup(this.settings);
    const topic = (name: string) => topicName(this.settings.kafka, name);
    for (let attempt = 0; !this.stopping; attempt++) {
      try {
        const { KAFKA_TOPIC_PARTITIONS: numPartitions, KAFKA_REPLICATION_FACTOR: replicationFactor } = this.settings.kafka;
        // The relay creates these too, but it may be disabled here; creating is idempotent.
        await ensureTopics(this.kafka, [
          { topic: topic(Topics.ingest), numPartitions, replicationFactor },
          { topic: topic(Topics.ingestDeadLetter), numPartitions: 1, replicationFactor },
        ]);
        this.consumer = new InboundEventConsumer(this.kafka, {
          groupId,
          topic: topic(Topics.ingest),
          deadLetterTopic: topic(Topics.ingestDeadLetter),
          maxChunk: this.settings.ingest.INGEST_BATCH_LIMIT,
          handler: (batch) => this.record(batch),
          hooks: {
            onOutcomes: ({ stored, duplicate, deadLettered }) => {
              if (stored) events.inc({ outcome: 'stored' }, stored);
              if (duplicate) events.inc({ outcome: 'duplicate' }, duplicate);
              if (deadLettered) events.inc({ outcome: 'dead_lettered' }, deadLettered);
            },
            onRetry: (error, n, stage) => {
              retries.inc({ stage });
              this.logger.warn(`${stage} failed (attempt ${n + 1}), retrying: ${error.message}`);
            },
          },
        });
        if (this.stopping) return;
        await this.consumer.start();
        this.logger.log(`consuming ${topic(Topics.ingest)} as group ${groupId}, dead letters to ${topic(Topics.ingestDeadLetter)}`);
        return;
      } catch (error) {
        this.logger.error(`Kafka ingest cannot start yet (${(error as Error).message}); retrying`);
        await this.consumer?.stop().catch(() => undefined);
        this.consumer = undefined;
        await sleep(Math.min(5_000, 250 * 2 ** attempt));
      }
    }
  }
}
