import { customerJourney, type JourneyEvent } from './journeys';

export interface LoadDriverOptions {
  readonly ingestUrl: string;
  readonly headers: Record<string, string>;
  /** Requests per second; each carries `batchSize` events. */
  readonly requestsPerSecond: number;
  readonly batchSize: number;
  readonly customerPrefix: string;
}

/**
 * Steady load of customer journeys against ingest, as a careful integrator sends it: every
 * request is retried with the same event ids until ingest answers 2xx, so when the driver has
 * drained, every event it sent is accepted exactly once whatever failed in between.
 */
export class LoadDriver {
  /** Event ids ingest acknowledged (202), by customer stream. */
  readonly accepted = new Map<string, string[]>();
  failedAttempts = 0;
  /** Set when ingest refused a valid event: the run is void, `drain` rejects with it. */
  private fatal?: Error;
  private queue: JourneyEvent[] = [];
  private inFlight = new Set<Promise<void>>();
  private timer?: NodeJS.Timeout;
  private journeys = 0;
  private stopping = false;

  constructor(private readonly options: LoadDriverOptions) {}

  get acceptedCount(): number {
    let n = 0;
    for (const ids of this.accepted.values()) n += ids.length;
    return n;
  }

  start(): void {
    const interval = 1_000 / this.options.requestsPerSecond;
    this.timer = setInterval(() => this.tick(), interval);
  }

  /** Stops at once, abandoning what was not accepted yet (for tearing down a failed run). */
  abort(): void {
    this.stopping = true;
    this.fatal ??= new Error('load aborted');
    if (this.timer) clearInterval(this.timer);
  }

  /** Stops sending new journeys and waits until every sent event is accepted. */
  async drain(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    // events of journeys already begun are still sent, so every journey is complete
    while (!this.fatal && (this.queue.length > 0 || this.inFlight.size > 0)) {
      if (this.queue.length > 0) this.send(this.queue.splice(0, this.options.batchSize));
      await Promise.race([...this.inFlight, new Promise((r) => setTimeout(r, 50))]);
    }
    if (this.fatal) throw this.fatal;
  }

  private tick(): void {
    if (this.stopping || this.fatal) return;
    while (this.queue.length < this.options.batchSize) {
      const n = this.journeys++;
      this.queue.push(...customerJourney(`${this.options.customerPrefix}-${n}`, n));
    }
    this.send(this.queue.splice(0, this.options.batchSize));
  }

  private send(batch: JourneyEvent[]): void {
    const request = this.sendUntilAccepted(batch)
      .catch((error: Error) => void (this.fatal ??= error))
      .finally(() => this.inFlight.delete(request));
    this.inFlight.add(request);
  }

  private async sendUntilAccepted(batch: JourneyEvent[]): Promise<void> {
    for (let attempt = 0; !this.fatal; attempt++) {
      try {
        const res = await fetch(`${this.options.ingestUrl}/v1/events:batch`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...this.options.headers },
          body: JSON.stringify({ events: batch }),
          signal: AbortSignal.timeout(10_000),
        });
        if (res.ok) {
          const body = (await res.json()) as { results: { ok: boolean; errors?: unknown }[] };
          const refused = body.results.filter((r) => !r.ok);
          // the journeys are valid by construction: a refusal is a bug, not a fault to ride out
          if (refused.length > 0) throw new Error(`ingest refused valid events: ${JSON.stringify(refused[0])}`);
          for (const event of batch) {
            const stream = `customer-${event.customerId}`;
            this.accepted.set(stream, [...(this.accepted.get(stream) ?? []), event.id]);
          }
          return;
        }
        // a 4xx other than 429 would be refused again: it is a bug in the journeys, not a fault
        if (res.status >= 400 && res.status < 500 && res.status !== 429) throw new Error(`ingest refused valid events: ${res.status} ${await res.text()}`);
      } catch (error) {
        if ((error as Error).message.startsWith('ingest refused')) throw error;
      }
      this.failedAttempts++;
      await new Promise((r) => setTimeout(r, Math.min(2_000, 100 * 2 ** Math.min(attempt, 5))));
    }
  }
}
