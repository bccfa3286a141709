import { BACKWARDS, END, EventStoreDBClient, jsonEvent, StreamNotFoundError } from '@eventstore/db-client';
import type { CheckpointStore } from './checkpoint-store';

/**
 * Checkpoints kept in EventStoreDB itself: one stream per subscriber, capped to its last event.
 * The event type starts with `$` so the global-log subscription (which excludes system events)
 * never relays checkpoints to Kafka.
 */
export class EventStoreDbCheckpointStore implements CheckpointStore {
  private readonly client: EventStoreDBClient;
  private readonly capped = new Set<string>();

  constructor(connectionString: string) {
    this.client = EventStoreDBClient.connectionString(connectionString);
  }

  private stream = (name: string): string => `crm-checkpoint-${name}`;

  async load(name: string): Promise<bigint | undefined> {
    try {
      for await (const resolved of this.client.readStream(this.stream(name), { direction: BACKWARDS, fromRevision: END, maxCount: 1 })) {
        const data = resolved.event?.data as { position?: string } | undefined;
        if (data?.position) return BigInt(data.position);
      }
    } catch (error) {
      if (error instanceof StreamNotFoundError) return undefined;
      throw error;
    }
    return undefined;
  }

  async save(name: string, position: bigint): Promise<void> {
    const stream = this.stream(name);
    if (!this.capped.has(stream)) {
      await this.client.setStreamMetadata(stream, { maxCount: 1 });
      this.capped.add(stream);
    }
    await this.client.appendToStream(stream, jsonEvent({ type: '$crm.checkpoint', data: { position: position.toString() } }));
  }

  async close(): Promise<void> {
    await this.client.dispose();
  }
}

