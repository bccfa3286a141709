import type { Message, Producer, TopicMessages } from 'kafkajs';
import type { EventStore, StoredEvent, Subscription } from '@crm/event-store';
import { toKafkaMessage } from '../mapping/event-mapping';
import type { CheckpointStore } from './checkpoint-store';

export interface RelayOptions {
  /** Checkpoint name; one relay per name may run at a time. */
  readonly name: string;
  /** The topic a stream's events go to; null skips the stream (e.g. the relay's own bookkeeping). */
  readonly topicOf: (streamId: string) => string | null;
  readonly onPublished?: (count: number, lastPosition: bigint) => void;
  readonly onError?: (error: Error) => void;
}

/**
 * Moves the event store's global log onto Kafka without dual writes: it reads what was stored,
 * publishes with acks from all in-sync replicas, and only then saves the checkpoint. A crash
 * between publish and checkpoint republishes a batch; consumers are idempotent, so that is harmless.
 */
export class EventStoreKafkaRelay {
  private subscription?: Subscription;
  private lastPublished?: bigint;

  constructor(
    private readonly store: EventStore,
    private readonly producer: Producer,
    private readonly checkpoints: CheckpointStore,
    private readonly options: RelayOptions,
  ) {}

  async start(): Promise<void> {
    const from = await this.checkpoints.load(this.options.name);
    this.lastPublished = from;
    this.subscription = this.store.subscribeToAll(
      { fromPosition: from },
      (events) => this.publish(events),
      (error) => this.options.onError?.(error),
    );
  }

  /** Position of the last event acknowledged by Kafka (undefined before the first). */
  get position(): bigint | undefined {
    return this.lastPublished;
  }

  async stop(): Promise<void> {
    await this.subscription?.stop();
    this.subscription = undefined;
  }

  // Rejecting makes the subscription retry the same batch after a backoff.
  private async publish(events: StoredEvent[]): Promise<void> {
    if (events.length === 0) return;
    const byTopic = new Map<string, Message[]>();
    for (const event of events) {
      const topic = this.options.topicOf(event.streamId);
      if (topic === null) continue;
      const messages = byTopic.get(topic) ?? [];
      messages.push(toKafkaMessage(event));
      byTopic.set(topic, messages);
    }
    const topicMessages: TopicMessages[] = [...byTopic].map(([topic, messages]) => ({ topic, messages }));
    if (topicMessages.length > 0) await this.producer.sendBatch({ acks: -1, topicMessages });
    const last = events[events.length - 1].position;
    await this.checkpoints.save(this.options.name, last);
    this.lastPublished = last;
    this.options.onPublished?.(topicMessages.reduce((n, t) => n + t.messages.length, 0), last);
  }
}
