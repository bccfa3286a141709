import type { EachBatchPayload, Kafka, KafkaMessage, Message } from 'kafkajs';
import type { FieldError } from '@crm/contracts';
import { BatchConsumer } from '../consumer/batch-consumer';
import { backoffDelay, sleep } from '../consumer/retry-policy';
import { deadLetterMessage, InboundReasons, parseInboundMessage, type InboundRefusal } from './inbound-message';

/** What the ingest path said about one event: stored (or already stored), or refused with field errors. */
export type InboundOutcome = { readonly ok: true; readonly duplicate: boolean } | { readonly ok: false; readonly errors: readonly FieldError[] };

/**
 * Judges and stores events (request bodies as for `POST /v1/events`, each with an id); one outcome
 * per event, in order. Throwing means "could not store right now" (an outage): the whole chunk is
 * retried, which is safe because every event carries its id.
 */
export type InboundBatchHandler = (events: Record<string, unknown>[]) => Promise<InboundOutcome[]>;

export interface InboundConsumerHooks {
  onOutcomes?(counts: { stored: number; duplicate: number; deadLettered: number }): void;
  onRetry?(error: Error, attempt: number, stage: 'store' | 'dead-letter'): void;
}

export interface InboundEventConsumerOptions {
  readonly groupId: string;
  /** The inbound topic as deployed (prefixed). */
  readonly topic: string;
  readonly deadLetterTopic: string;
  readonly handler: InboundBatchHandler;
  /** Most records handed to the handler at once; a bigger fetched batch is handled in chunks. */
  readonly maxChunk?: number;
  readonly retryBaseMs?: number;
  readonly retryMaxMs?: number;
  readonly partitionsConsumedConcurrently?: number;
  readonly fromBeginning?: boolean;
  readonly hooks?: InboundConsumerHooks;
}

/**
 * Consumes integrators' events from `crm.ingest.v1`. Per chunk of a fetched batch: parse, hand
 * every parsable event to the handler at once (one group-committed append), send what was
 * refused to the dead-letter topic (acks = all) with the reason and field errors in headers, and
 * only then resolve the offsets. A handler that throws is an outage: retried with backoff for as
 * long as it lasts, never dead-lettered. Offsets are committed only for records that are stored
 * or dead-lettered, so a crash at any point redelivers, and event ids make redelivery harmless.
 */
export class InboundEventConsumer extends BatchConsumer {
  constructor(
    kafka: Kafka,
    private readonly options: InboundEventConsumerOptions,
  ) {
    super(kafka, options, {
      minBytes: 1,
      maxWaitTimeInMs: 100,
      maxBytesPerPartition: 1024 * 1024,
    });
  }

  protected async handleBatch({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale }: EachBatchPayload): Promise<void> {
    const canContinue = () => this.running && isRunning() && !isStale();
    const chunk = this.options.maxChunk ?? 500;
    for (let start = 0; start < batch.messages.length; start += chunk) {
      if (!canContinue()) return;
      const messages = batch.messages.slice(start, start + chunk);
      const done = await this.handleChunk(batch.topic, batch.partition, messages, heartbeat, canContinue);
      if (!done) return; // not resolved: redelivered to whoever owns the partition next
      resolveOffset(messages[messages.length - 1].offset);
      await heartbeat();
    }
    await commitOffsetsIfNecessary();
  }

  /** True when every record of the chunk is stored or dead-lettered; false when stopped before. */
  private async handleChunk(
    topic: string,
    partition: number,
    messages: KafkaMessage[],
    heartbeat: () => Promise<void>,
    canContinue: () => boolean,
  ): Promise<boolean> {
    const parsed = messages.map((message) => ({ message, parsed: parseInboundMessage(message, { topic, partition }) }));
    const accepted = parsed.flatMap((p) => (p.parsed.ok ? [{ message: p.message, eventId: p.parsed.eventId, event: p.parsed.event }] : []));

    const outcomes = await this.withRetries('store', heartbeat, canContinue, async () => {
      if (accepted.length === 0) return [];
      const result = await this.options.handler(accepted.map((a) => a.event));
      if (result.length !== accepted.length) throw new Error(`handler answered ${result.length} outcomes for ${accepted.length} events`);
      return result;
    });
    if (outcomes === undefined) return false;

    const refused = new Map<KafkaMessage, { eventId: string } & InboundRefusal>();
    for (const p of parsed) if (!p.parsed.ok) refused.set(p.message, p.parsed);
    accepted.forEach((a, i) => {
      const outcome = outcomes[i];
      if (!outcome.ok) refused.set(a.message, { eventId: a.eventId, reason: InboundReasons.validationFailed, fieldErrors: outcome.errors });
    });

    if (refused.size > 0) {
      // In offset order, so the dead-letter topic reads like the partition did.
      const letters: Message[] = messages.flatMap((m) => {
        const r = refused.get(m);
        return r ? [deadLetterMessage(m, { topic, partition, groupId: this.options.groupId, eventId: r.eventId }, r)] : [];
      });
      const sent = await this.withRetries('dead-letter', heartbeat, canContinue, () =>
        this.producer.send({ topic: this.options.deadLetterTopic, acks: -1, messages: letters }),
      );
      if (sent === undefined) return false;
    }

    const stored = outcomes.filter((o) => o.ok && !o.duplicate).length;
    const duplicate = outcomes.filter((o) => o.ok && o.duplicate).length;
    this.options.hooks?.onOutcomes?.({ stored, duplicate, deadLettered: refused.size });
    return true;
  }

  /** Runs `work` until it succeeds; undefined when the consumer stops (or loses the partition) first. */
  private async withRetries<T>(
    stage: 'store' | 'dead-letter',
    heartbeat: () => Promise<void>,
    canContinue: () => boolean,
    work: () => Promise<T>,
  ): Promise<T | undefined> {
    const base = this.options.retryBaseMs ?? 100;
    const max = this.options.retryMaxMs ?? 5_000;
    for (let attempt = 0; ; attempt++) {
      try {
        return await work();
      } catch (error) {
        this.options.hooks?.onRetry?.(error as Error, attempt, stage);
      }
      if (!canContinue()) return undefined;
      await sleep(Math.max(10, backoffDelay(attempt, base, max)));
      await heartbeat().catch(() => undefined);
      if (!canContinue()) return undefined;
    }
  }
}
