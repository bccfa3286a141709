import { Client } from 'pg';

interface Registration {
  wake: () => void;
  onError?: (err: Error) => void;
}

/**
 * One dedicated connection per store that LISTENs for append notifications and fans them out as
 * wake hints. A pooled connection can't be used: LISTEN is per session and pools recycle sessions.
 * On connection loss it reconnects with backoff and wakes everyone, since notifications sent while
 * it was down are lost (subscribers re-read from their checkpoint, so nothing else is needed).
 */
export class PgNotificationListener {
  private readonly registrations = new Set<Registration>();
  private client?: Client;
  private running?: Promise<void>;
  private closed = false;
  private retryTimer?: NodeJS.Timeout;
  private failures = 0;

  constructor(
    private readonly connectionString: string,
    private readonly channel: string,
  ) {}

  add(wake: () => void, onError?: (err: Error) => void): () => void {
    const registration = { wake, onError };
    this.registrations.add(registration);
    if (!this.client && !this.running && !this.retryTimer) this.running = this.connect();
    return () => this.registrations.delete(registration);
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    await this.running;
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new Client({ connectionString: this.connectionString, application_name: 'crm-event-store-listener' });
    client.on('notification', () => this.wakeAll());
    client.on('error', (err) => this.dropped(client, err));
    client.on('end', () => this.dropped(client, new Error('event store listener connection ended')));
    try {
      await client.connect();
      await client.query(`LISTEN "${this.channel}"`);
      if (this.closed) {
        await client.end();
        return;
      }
      this.client = client;
      this.failures = 0;
      this.wakeAll(); // anything appended before LISTEN took effect
      this.running = undefined;
    } catch (err) {
      this.running = undefined;
      this.dropped(client, err instanceof Error ? err : new Error(String(err)));
    }
  }

  private dropped(client: Client, err: Error): void {
    if (this.closed || (this.client && this.client !== client)) return;
    if (this.client === client) this.client = undefined;
    client.removeAllListeners('end');
    client.on('error', () => undefined); // late socket errors on a dead client
    client.end().catch(() => undefined);
    for (const r of this.registrations) r.onError?.(err);
    if (this.retryTimer || this.running) return;
    this.failures++;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      if (!this.closed) this.running = this.connect();
    }, Math.min(5000, 100 * 2 ** this.failures));
    this.wakeAll(); // subscribers fall back to polling meanwhile
  }

  private wakeAll(): void {
    for (const r of this.registrations) r.wake();
  }
}
