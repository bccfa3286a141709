import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap, type OnModuleInit } from '@nestjs/common';
import { InjectConnection } from '@nestjs/mongoose';
import type { Admin, Kafka } from 'kafkajs';
import type { Connection } from 'mongoose';
import { deadLetterTopicFor, Topics, type CustomerEventRecord } from '@crm/contracts';
import { createEventStore, type EventStore } from '@crm/event-store';
import { createKafka, CustomerEventConsumer, ensureTopics, sleep, topicName } from '@crm/messaging';
import { MetricsService, ReadinessRegistry } from '@crm/platform';
import type { DerivedEvent } from '../document-projection';
import { EventStoreDerivedEventSink, type DerivedEventSink } from '../derived-events';
import { ProjectionRunner } from '../projection-runner';
import { READ_SIDE_OPTIONS, type ReadSideOptions } from './read-side.options';

/**
 * Runs a service's projections: consumes its topics (`crm.customer-events.v1` unless told
 * otherwise) in the service's own consumer group and applies each batch to every read model of
 * the service, in registration order. Start-up does not wait for Kafka (or the event store, when
 * the service writes events): `/health/ready` answers 503 until it is consuming.
 */
@Injectable()
export class ReadSideService implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('ReadSide');
  private readonly kafka: Kafka;
  private admin?: Admin;
  private consumer?: CustomerEventConsumer;
  private runners: ProjectionRunner<object>[] = [];
  private stopping = false;
  private starting?: Promise<void>;
  private store?: EventStore;
  /** Derived events wait for the store: the consumer only starts once it is connected. */
  private readonly derivedSink: DerivedEventSink = {
    append: (events: readonly DerivedEvent[]) => {
      if (!this.store) throw new Error('event store not connected yet');
      return new EventStoreDerivedEventSink(this.store).append(events);
    },
  };

  constructor(
    @Inject(READ_SIDE_OPTIONS) private readonly options: ReadSideOptions,
    @InjectConnection() private readonly connection: Connection,
    private readonly readiness: ReadinessRegistry,
    private readonly metrics: MetricsService,
  ) {
    this.kafka = createKafka(options.kafka, options.service);
  }

  onModuleInit(): void {
    this.readiness.register({
      name: 'mongodb',
      check: async () => {
        if (!this.connection.db) throw new Error('not connected');
        await this.connection.db.admin().ping();
      },
    });
    this.readiness.register({
      name: 'kafka',
      check: async () => {
        if (!this.consumer?.isRunning) throw new Error('consumer not running yet');
        if (!this.admin) throw new Error('admin not connected');
        await this.admin.describeCluster();
      },
    });
    if (this.options.eventStore) {
      this.readiness.register({
        name: 'event-store',
        check: async () => {
          if (!this.store) throw new Error('not connected yet');
          await this.store.ping();
        },
      });
    }
  }

  /** The connected event store, when the service was given one (undefined until connected). */
  get eventStore(): EventStore | undefined {
    return this.store;
  }

  /** Indexes are in place before the first write: building them under concurrent writes is a race on some servers. */
  async onApplicationBootstrap(): Promise<void> {
    const models = this.options.readModels.map((m) => this.connection.model(m.name));
    await Promise.all(models.map((model) => model.init()));
    this.runners = this.options.readModels.map(
      (m, i) => new ProjectionRunner(m.projection, models[i], undefined, this.options.eventStore ? this.derivedSink : undefined),
    );
    this.starting = this.startWithRetries();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.starting;
    await this.consumer?.stop();
    await this.admin?.disconnect();
    await this.store?.close();
  }

  private async startWithRetries(): Promise<void> {
    const applied = this.metrics.counter('projection_events_total', 'Events handed to the projections', ['topic']);
    const deadLettered = this.metrics.counter('projection_dead_letters_total', 'Events sent to the dead-letter topic');
    const retries = this.metrics.counter('projection_batch_retries_total', 'Failed projection batch attempts');
    const batchSeconds = this.metrics.histogram('projection_batch_duration_seconds', 'Time to apply one batch to all read models', [], [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5]);
    const kafkaEnv = this.options.kafka;
    const sources = (this.options.topics ?? [Topics.customerEvents]).map((t) => topicName(kafkaEnv, t));
    const dlq = topicName(kafkaEnv, deadLetterTopicFor(this.options.service));
    const groupId = kafkaEnv.KAFKA_CONSUMER_GROUP ?? this.options.service;
    for (let attempt = 0; !this.stopping; attempt++) {
      try {
        const partitions = this.options.kafka.KAFKA_TOPIC_PARTITIONS;
        const replicationFactor = this.options.kafka.KAFKA_REPLICATION_FACTOR;
        if (this.options.eventStore && !this.store) this.store = await createEventStore(this.options.eventStore);
        await ensureTopics(this.kafka, [
          ...sources.map((topic) => ({ topic, numPartitions: partitions, replicationFactor })),
          { topic: dlq, numPartitions: 1, replicationFactor },
        ]);
        this.admin = this.kafka.admin();
        await this.admin.connect();
        this.consumer = new CustomerEventConsumer(this.kafka, {
          groupId,
          topic: sources,
          deadLetterTopic: dlq,
          handler: async (records) => {
            const stop = batchSeconds.startTimer();
            await this.applyToAll(records);
            stop();
          },
          hooks: {
            onApplied: (count, topic) => applied.inc({ topic }, count),
            onDeadLettered: (count, reason) => {
              deadLettered.inc(count);
              this.logger.warn(`${count} event(s) dead-lettered to ${dlq}: ${reason}`);
            },
            onRetry: (error, n) => {
              retries.inc();
              this.logger.warn(`projection batch attempt ${n + 1} failed: ${error.message}`);
            },
          },
        });
        await this.consumer.start();
        this.logger.log(`consuming ${sources.join(', ')} as group ${groupId}`);
        return;
      } catch (error) {
        this.logger.error(`cannot start consuming yet (${(error as Error).message}); retrying`);
        await this.consumer?.stop().catch(() => undefined);
        await this.admin?.disconnect().catch(() => undefined);
        this.consumer = undefined;
        await sleep(Math.min(5_000, 250 * 2 ** attempt));
      }
    }
  }

  /** Applies one batch to every read model; exported for replays and tests. */
  async applyToAll(records: readonly CustomerEventRecord[]): Promise<void> {
    for (const runner of this.runners) await runner.apply(records);
  }
}
