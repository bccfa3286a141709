import type { EventStore, ReadAllOptions, ReadStreamOptions, StoredEvent } from '@crm/event-store';

/**
 * A read-only event log with positions and recording times chosen by the test (sparse positions,
 * exact instants), for unit tests of code that reads the log. Counts reads in flight.
 */
export class FakeLog implements Pick<EventStore, 'readAll' | 'readStream'> {
  inFlight = 0;
  maxInFlight = 0;
  reads = 0;

  constructor(
    readonly events: StoredEvent[],
    private readonly latencyMs = 0,
  ) {}

  async readAll(options: ReadAllOptions = {}): Promise<StoredEvent[]> {
    this.reads++;
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if (this.latencyMs > 0) await new Promise((r) => setTimeout(r, this.latencyMs));
      const from = options.fromPosition ?? 0n;
      return this.events.filter((e) => e.position > from).slice(0, options.maxCount ?? Infinity);
    } finally {
      this.inFlight--;
    }
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<StoredEvent[]> {
    return this.events.filter((e) => e.streamId === streamId && e.revision >= (options.fromRevision ?? 0)).slice(0, options.maxCount ?? Infinity);
  }
}

/** Builds stored events in log order; revisions are counted per stream. */
export function storedEvents(
  specs: readonly { streamId: string; type: string; data?: Record<string, unknown>; position: bigint; recordedAt: string; metadata?: Record<string, unknown> }[],
): StoredEvent[] {
  const revisions = new Map<string, number>();
  return specs.map((s, i) => {
    const revision = revisions.get(s.streamId) ?? 0;
    revisions.set(s.streamId, revision + 1);
    const customerId = s.streamId.replace(/^(customer|loyalty|segment-membership|lifecycle)-/, '');
    return {
      eventId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      type: s.type,
      streamId: s.streamId,
      revision,
      position: s.position,
      data: s.data ?? {},
      metadata: { schemaVersion: 1, source: 'test', subject: customerId, time: s.recordedAt, ...s.metadata },
      recordedAt: new Date(s.recordedAt),
    };
  });
}
