import type { Consumer, ConsumerConfig, EachBatchPayload, Kafka, Producer } from 'kafkajs';
import { createProducer } from '../kafka/create-producer';

export interface BatchConsumerSettings {
  readonly groupId: string;
  /** One topic or several (a read model folding customer events and derived events). */
  readonly topic: string | readonly string[];
  /** Partitions handled in parallel; safe because a customer's events stay in one partition. */
  readonly partitionsConsumedConcurrently?: number;
  readonly fromBeginning?: boolean;
}

/**
 * What the platform's consumers share: a group consumer with manual offset resolution, a producer
 * for dead letters, readiness that means "joined and owns partitions", and a stop that lets the
 * batch in flight finish and commits what was resolved. Subclasses decide what a batch means.
 */
export abstract class BatchConsumer {
  protected readonly consumer: Consumer;
  protected readonly producer: Producer;
  protected running = false;
  private joined = false;

  protected constructor(
    kafka: Kafka,
    private readonly settings: BatchConsumerSettings,
    fetch: Pick<ConsumerConfig, 'minBytes' | 'maxWaitTimeInMs' | 'maxBytesPerPartition'>,
  ) {
    this.consumer = kafka.consumer({ groupId: settings.groupId, sessionTimeout: 30_000, heartbeatInterval: 3_000, ...fetch });
    this.producer = createProducer(kafka);
    // Ready means partitions are assigned, not merely that run() was called.
    this.consumer.on(this.consumer.events.GROUP_JOIN, () => (this.joined = true));
    this.consumer.on(this.consumer.events.REBALANCING, () => (this.joined = false));
    this.consumer.on(this.consumer.events.CRASH, () => (this.joined = false));
  }

  async start(): Promise<void> {
    await this.producer.connect();
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [this.settings.topic].flat(), fromBeginning: this.settings.fromBeginning ?? true });
    this.running = true;
    await this.consumer.run({
      autoCommit: true,
      autoCommitInterval: 1_000,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.settings.partitionsConsumedConcurrently ?? 3,
      eachBatch: (payload) => this.handleBatch(payload),
    });
  }

  /** Waits for the batch in flight, commits what was resolved, leaves the group. */
  async stop(): Promise<void> {
    this.running = false;
    await this.consumer.disconnect();
    await this.producer.disconnect();
  }

  /** True once the consumer has joined its group and owns partitions. */
  get isRunning(): boolean {
    return this.running && this.joined;
  }

  protected abstract handleBatch(payload: EachBatchPayload): Promise<void>;
}
