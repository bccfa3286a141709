import type { AppendOutcome, AppendRequest, AppendResult, EventStore } from '../event-store.port';

export interface GroupCommitOptions {
  /** Most stream appends sent in one multi-stream call. */
  readonly maxBatch?: number;
  /** Multi-stream calls in flight at once; requests arriving meanwhile wait and form the next batch. */
  readonly maxInFlight?: number;
}

interface Pending {
  readonly request: AppendRequest;
  readonly resolve: (result: AppendResult) => void;
  readonly reject: (error: Error) => void;
}

/**
 * Group commit for many small concurrent appends (one event per HTTP request): while a call is in
 * flight, new requests queue up and go to the store together in the next `appendToStreams` call,
 * so a busy writer pays one transaction per batch instead of one per event. An idle writer sends
 * each request at once, so a lone request waits for nobody. Each caller gets its own stream's
 * outcome, exactly as from `appendToStream`, and one stream's appends are written in the order
 * they were made.
 */
export class GroupCommitAppender {
  private queue: Pending[] = [];
  private inFlight = 0;
  /** Streams with an append in flight: their next appends wait, so a stream's appends never race. */
  private readonly busy = new Set<string>();
  private readonly maxBatch: number;
  private readonly maxInFlight: number;

  constructor(
    private readonly store: Pick<EventStore, 'appendToStream' | 'appendToStreams'>,
    options: GroupCommitOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 500;
    this.maxInFlight = options.maxInFlight ?? 2;
  }

  append(request: AppendRequest): Promise<AppendResult> {
    return new Promise<AppendResult>((resolve, reject) => {
      this.queue.push({ request, resolve, reject });
      this.drain();
    });
  }

  private drain(): void {
    while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
      // Two transactions in flight for one stream could commit its appends in either order; a
      // stream that is busy keeps its requests queued (in order) until its batch has finished.
      const batch: Pending[] = [];
      const rest: Pending[] = [];
      const streams = new Set<string>();
      for (const pending of this.queue) {
        const { streamId } = pending.request;
        if (batch.length < this.maxBatch && !this.busy.has(streamId)) {
          batch.push(pending);
          streams.add(streamId);
        } else {
          rest.push(pending);
        }
      }
      if (batch.length === 0) return;
      this.queue = rest;
      streams.forEach((s) => this.busy.add(s));
      this.inFlight++;
      void this.flush(batch).finally(() => {
        streams.forEach((s) => this.busy.delete(s));
        this.inFlight--;
        this.drain();
      });
    }
  }

  private async flush(batch: Pending[]): Promise<void> {
    let outcomes: AppendOutcome[];
    try {
      outcomes = await this.store.appendToStreams(batch.map((p) => p.request));
    } catch {
      // The batch as a whole failed (e.g. the database aborted it on a deadlock between two
      // writers): each request then goes alone, and gets its own answer.
      outcomes = await Promise.all(
        batch.map(({ request }) =>
          this.store.appendToStream(request.streamId, request.events, { expectedRevision: request.expectedRevision }).then(
            (result): AppendOutcome => ({ ok: true, result }),
            (error: Error): AppendOutcome => ({ ok: false, error }),
          ),
        ),
      );
    }
    batch.forEach((pending, i) => {
      const outcome = outcomes[i];
      if (outcome.ok) pending.resolve(outcome.result);
      else pending.reject(outcome.error);
    });
  }
}
