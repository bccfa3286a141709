import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap, type OnModuleInit } from '@nestjs/common';
import type { Kafka } from 'kafkajs';
import { deadLetterTopicFor, Topics } from '@crm/contracts';
import { createKafka, CustomerEventConsumer, ensureTopics, sleep, topicName } from '@crm/messaging';
import { MetricsService, ReadinessRegistry } from '@crm/platform';
import { LOYALTY_SETTINGS, SERVICE, type LoyaltySettings } from '../loyalty.env';
import { CustomerEventCommands } from './customer-event-commands';

/** Dead letters of the command side: customer events the accounts could not take. */
export const COMMANDS_DEAD_LETTER_SERVICE = 'loyalty-commands';

/**
 * Consumes `crm.customer-events.v1` in its own consumer group (not the read side's) and applies
 * each batch to the accounts before committing its offsets. Redelivery is harmless: a command
 * already applied decides nothing, and event ids derive from the source event.
 */
@Injectable()
export class CustomerEventsConsumer implements OnModuleInit, OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('LoyaltyCommands');
  private readonly kafka: Kafka;
  private consumer?: CustomerEventConsumer;
  private starting?: Promise<void>;
  private stopping = false;

  constructor(
    @Inject(LOYALTY_SETTINGS) private readonly settings: LoyaltySettings,
    private readonly commands: CustomerEventCommands,
    private readonly readiness: ReadinessRegistry,
    private readonly metrics: MetricsService,
  ) {
    this.kafka = createKafka(settings.kafka, SERVICE);
  }

  get groupId(): string {
    return this.settings.loyalty.LOYALTY_COMMANDS_GROUP ?? `${this.settings.kafka.KAFKA_CONSUMER_GROUP ?? SERVICE}-commands`;
  }

  onModuleInit(): void {
    if (!this.settings.loyalty.LOYALTY_COMMANDS_ENABLED) return;
    this.readiness.register({
      name: 'kafka-commands',
      check: async () => {
        if (!this.consumer?.isRunning) throw new Error('command consumer not running yet');
      },
    });
  }

  onApplicationBootstrap(): void {
    if (this.settings.loyalty.LOYALTY_COMMANDS_ENABLED) this.starting = this.startWithRetries();
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.starting;
    await this.consumer?.stop();
  }

  private async startWithRetries(): Promise<void> {
    const applied = this.metrics.counter('loyalty_customer_events_total', 'Customer events applied to loyalty accounts');
    const deadLettered = this.metrics.counter('loyalty_customer_events_dead_lettered_total', 'Customer events the accounts could not take');
    const kafkaEnv = this.settings.kafka;
    const source = topicName(kafkaEnv, Topics.customerEvents);
    const dlq = topicName(kafkaEnv, deadLetterTopicFor(COMMANDS_DEAD_LETTER_SERVICE));
    for (let attempt = 0; !this.stopping; attempt++) {
      try {
        await ensureTopics(this.kafka, [
          { topic: source, numPartitions: kafkaEnv.KAFKA_TOPIC_PARTITIONS, replicationFactor: kafkaEnv.KAFKA_REPLICATION_FACTOR },
          { topic: dlq, numPartitions: 1, replicationFactor: kafkaEnv.KAFKA_REPLICATION_FACTOR },
        ]);
        this.consumer = new CustomerEventConsumer(this.kafka, {
          groupId: this.groupId,
          topic: source,
          deadLetterTopic: dlq,
          handler: (records) => this.commands.apply(records),
          hooks: {
            onApplied: (count) => applied.inc(count),
            onDeadLettered: (count, reason) => {
              deadLettered.inc(count);
              this.logger.warn(`${count} customer event(s) dead-lettered to ${dlq}: ${reason}`);
            },
            onRetry: (error, n) => this.logger.warn(`command batch attempt ${n + 1} failed: ${error.message}`),
          },
        });
        await this.consumer.start();
        this.logger.log(`turning ${source} into account commands as group ${this.groupId}`);
        return;
      } catch (error) {
        this.logger.error(`cannot start the command consumer yet (${(error as Error).message}); retrying`);
        await this.consumer?.stop().catch(() => undefined);
        this.consumer = undefined;
        await sleep(Math.min(5_000, 250 * 2 ** attempt));
      }
    }
  }
}
