import type { EachBatchPayload, IHeaders, Kafka, KafkaMessage } from 'kafkajs';
import { EventHeaders, type CustomerEventRecord } from '@crm/contracts';
import { parseCustomerEventMessage } from '../mapping/event-mapping';
import { BatchConsumer } from './batch-consumer';
import { backoffDelay, isTransientError, sleep } from './retry-policy';

export type RecordBatchHandler = (records: CustomerEventRecord[]) => Promise<void>;

export interface ConsumerHooks {
  onApplied?(count: number, topic: string, partition: number): void;
  onDeadLettered?(count: number, reason: string): void;
  onRetry?(error: Error, attempt: number): void;
}

export interface CustomerEventConsumerOptions {
  /** One consumer group per service: each service sees every event once. */
  readonly groupId: string;
  readonly topic: string | readonly string[];
  readonly deadLetterTopic: string;
  readonly handler: RecordBatchHandler;
  /** Attempts for a failing batch before it is split to find the poison event. */
  readonly maxAttempts?: number;
  readonly retryBaseMs?: number;
  readonly retryMaxMs?: number;
  /** Partitions handled in parallel; safe because a customer's events stay in one partition. */
  readonly partitionsConsumedConcurrently?: number;
  readonly fromBeginning?: boolean;
  readonly hooks?: ConsumerHooks;
}

interface Failed {
  readonly message: KafkaMessage;
  readonly error: Error;
}

/**
 * The consumer every read-side service uses. Per batch: parse, hand all records to the projection
 * (one bulk write), and only after it succeeded resolve and commit the offsets. A failing batch is
 * retried with backoff; if it keeps failing for a reason that is not an outage, it is applied one
 * event at a time and the events that still fail go to the dead-letter topic with the error in
 * headers, so one poison event never blocks the partition.
 */
export class CustomerEventConsumer extends BatchConsumer {
  constructor(
    kafka: Kafka,
    private readonly options: CustomerEventConsumerOptions,
  ) {
    super(kafka, options, {
      // Let a fetch gather up to 64 KB for at most 50 ms: bigger batches mean fewer bulk writes,
      // at a bounded cost in latency when traffic is light.
      minBytes: 64 * 1024,
      maxWaitTimeInMs: 50,
      maxBytesPerPartition: 4 * 1024 * 1024,
    });
  }

  protected async handleBatch({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale }: EachBatchPayload): Promise<void> {
    if (batch.messages.length === 0) return;
    const parsed: { message: KafkaMessage; record: CustomerEventRecord }[] = [];
    const failed: Failed[] = [];
    for (const message of batch.messages) {
      try {
        parsed.push({ message, record: parseCustomerEventMessage(message) });
      } catch (error) {
        failed.push({ message, error: error as Error });
      }
    }

    const stillFailing = await this.applyWithRetries(parsed, heartbeat, () => isRunning() && !isStale());
    if (stillFailing === 'stopped') return; // offsets not resolved: the batch is redelivered
    failed.push(...stillFailing);

    if (failed.length > 0) {
      await this.deadLetter(batch.topic, batch.partition, failed);
      this.options.hooks?.onDeadLettered?.(failed.length, failed[0].error.message);
    }
    resolveOffset(batch.messages[batch.messages.length - 1].offset);
    this.options.hooks?.onApplied?.(parsed.length - stillFailing.length, batch.topic, batch.partition);
    await commitOffsetsIfNecessary();
    await heartbeat();
  }

  /** Returns the records that failed for reasons of their own, or 'stopped' when shutting down mid-retry. */
  private async applyWithRetries(
    items: { message: KafkaMessage; record: CustomerEventRecord }[],
    heartbeat: () => Promise<void>,
    canContinue: () => boolean,
  ): Promise<Failed[] | 'stopped'> {
    if (items.length === 0) return [];
    const maxAttempts = this.options.maxAttempts ?? 5;
    const base = this.options.retryBaseMs ?? 100;
    const max = this.options.retryMaxMs ?? 5_000;
    let lastError: Error | undefined;
    for (let attempt = 0; ; attempt++) {
      try {
        await this.options.handler(items.map((i) => i.record));
        return [];
      } catch (error) {
        lastError = error as Error;
        this.options.hooks?.onRetry?.(lastError, attempt);
      }
      if (!canContinue()) return 'stopped';
      // Outages are waited out however long they last; only event-specific failures give up.
      if (attempt + 1 >= maxAttempts && !isTransientError(lastError)) break;
      await sleep(backoffDelay(attempt, base, max));
      await heartbeat().catch(() => undefined);
    }
    if (items.length === 1) return [{ message: items[0].message, error: lastError }];
    // Split the batch to find the poison events: each half is retried on its own.
    const middle = Math.ceil(items.length / 2);
    const left = await this.applyWithRetries(items.slice(0, middle), heartbeat, canContinue);
    if (left === 'stopped') return 'stopped';
    const right = await this.applyWithRetries(items.slice(middle), heartbeat, canContinue);
    if (right === 'stopped') return 'stopped';
    return [...left, ...right];
  }

  private async deadLetter(topic: string, partition: number, failed: Failed[]): Promise<void> {
    await this.producer.send({
      topic: this.options.deadLetterTopic,
      acks: -1,
      messages: failed.map(({ message, error }) => ({
        key: message.key,
        value: message.value,
        headers: {
          ...copyHeaders(message.headers),
          [EventHeaders.error]: error.message.slice(0, 2_000),
          [EventHeaders.errorStack]: (error.stack ?? '').slice(0, 4_000),
          [EventHeaders.failedConsumerGroup]: this.options.groupId,
          [EventHeaders.originalTopic]: topic,
          [EventHeaders.originalPartition]: String(partition),
          [EventHeaders.originalOffset]: message.offset,
        },
      })),
    });
  }
}

function copyHeaders(headers: IHeaders | undefined): IHeaders {
  const copy: IHeaders = {};
  for (const [k, v] of Object.entries(headers ?? {})) if (v !== undefined) copy[k] = v;
  return copy;
}
