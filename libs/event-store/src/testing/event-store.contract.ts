// The behaviour every EventStore adapter must show, as one jest suite each adapter's spec runs.
// Jest globals are looked up inside the function only, so importing @crm/event-store from
// production code never touches jest. The database may be shared with other test runs: every
// test uses its own random stream names and never assumes the log starts empty.
import type * as JestGlobals from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { IdempotencyConflictError, WrongExpectedRevisionError } from '../event-store.errors';
import type { EventStore, NewEvent, StoredEvent, Subscription } from '../event-store.port';

/** Documented gaps of an adapter; each disables the assertion it can't meet. Default: none. */
export interface ContractLimits {
  /** The store can't see that an event id is already used by ANOTHER stream (EventStoreDB: no id index). */
  noCrossStreamIdCheck?: boolean;
  /** Racing appends of the same id may all report duplicate: false, though one event is stored (EventStoreDB). */
  noExactDuplicateFlagUnderRace?: boolean;
}

export function describeEventStoreContract(
  name: string,
  factory: () => Promise<EventStore>,
  limits: ContractLimits = {},
): void {
  const { describe, it, expect, beforeAll, afterAll, afterEach } = globalThis as unknown as typeof JestGlobals;

  describe(`EventStore contract: ${name}`, () => {
    let store: EventStore;
    const subscriptions: Subscription[] = [];
    const subscribe = (from: bigint | undefined, onBatch?: (batch: StoredEvent[]) => Promise<void>) => {
      const received = new Collector();
      subscriptions.push(
        store.subscribeToAll({ fromPosition: from }, async (batch) => {
          await onBatch?.(batch);
          received.add(batch);
        }),
      );
      return received;
    };

    beforeAll(async () => {
      store = await factory();
    });
    afterEach(async () => {
      await Promise.all(subscriptions.splice(0).map((s) => s.stop()));
    });
    afterAll(async () => {
      await store?.close();
    });

    describe('append and read a stream', () => {
      it('stores events with consecutive revisions and increasing positions', async () => {
        const stream = streamName('customer');
        const first = await store.appendToStream(stream, [event('Registered', { name: 'Ada' }, { by: 'test' })], {
          expectedRevision: 'no_stream',
        });
        const second = await store.appendToStream(stream, [event('Renamed', { n: 1 }), event('Renamed', { n: 2 })], {
          expectedRevision: 0,
        });
        expect(first).toEqual({ nextExpectedRevision: 0, positions: [expect.any(BigInt)], duplicate: false });
        expect(second.nextExpectedRevision).toBe(2);
        expect(second.positions).toHaveLength(2);
        expectIncreasing([...first.positions, ...second.positions]);

        const read = await store.readStream(stream);
        expect(read.map((e) => [e.type, e.revision, e.streamId])).toEqual([
          ['Registered', 0, stream],
          ['Renamed', 1, stream],
          ['Renamed', 2, stream],
        ]);
        expect(read.map((e) => e.position)).toEqual([...first.positions, ...second.positions]);
        expect(read[0].data).toEqual({ name: 'Ada' });
        expect(read[0].metadata).toEqual({ by: 'test' });
        expect(read[1].metadata).toEqual({});
        expect(read[0].recordedAt).toBeInstanceOf(Date);
      });

      it('reads from a revision with a max count, and [] for a missing stream', async () => {
        const stream = streamName('customer');
        await store.appendToStream(stream, [1, 2, 3, 4].map((n) => event('Counted', { n })));
        const page = await store.readStream(stream, { fromRevision: 1, maxCount: 2 });
        expect(page.map((e) => e.data['n'])).toEqual([2, 3]);
        expect(await store.readStream(streamName('missing'))).toEqual([]);
      });

      it('accepts any, stream_exists and the exact revision', async () => {
        const stream = streamName('customer');
        await store.appendToStream(stream, [event('A')], { expectedRevision: 'any' });
        await store.appendToStream(stream, [event('B')], { expectedRevision: 'stream_exists' });
        const result = await store.appendToStream(stream, [event('C')], { expectedRevision: 1 });
        expect(result.nextExpectedRevision).toBe(2);
      });
    });

    describe('expected revision conflicts', () => {
      it('rejects no_stream when the stream exists', async () => {
        const stream = streamName('customer');
        await store.appendToStream(stream, [event('A'), event('B')]);
        const err = await store.appendToStream(stream, [event('C')], { expectedRevision: 'no_stream' }).catch((e) => e);
        expect(err).toBeInstanceOf(WrongExpectedRevisionError);
        expect(err).toMatchObject({ streamId: stream, expected: 'no_stream', actual: 1 });
      });

      it('rejects a wrong revision number with the actual one in the message', async () => {
        const stream = streamName('customer');
        await store.appendToStream(stream, [event('A'), event('B'), event('C')]);
        const err = await store.appendToStream(stream, [event('D')], { expectedRevision: 0 }).catch((e) => e);
        expect(err).toBeInstanceOf(WrongExpectedRevisionError);
        expect(err.message).toBe(`Append to ${stream} expected revision 0 but stream is at 2`);
        expect(await store.readStream(stream)).toHaveLength(3);
      });

      it('rejects stream_exists and a revision number on a missing stream', async () => {
        const stream = streamName('customer');
        await expect(store.appendToStream(stream, [event('A')], { expectedRevision: 'stream_exists' })).rejects.toMatchObject({
          name: 'WrongExpectedRevisionError',
          actual: 'no_stream',
        });
        await expect(store.appendToStream(stream, [event('A')], { expectedRevision: 0 })).rejects.toBeInstanceOf(
          WrongExpectedRevisionError,
        );
        expect(await store.readStream(stream)).toEqual([]);
      });

      it('lets exactly one of several concurrent appends with the same expected revision win', async () => {
        const stream = streamName('customer');
        await store.appendToStream(stream, [event('Registered')]);
        const results = await Promise.allSettled(
          Array.from({ length: 8 }, (_, i) => store.appendToStream(stream, [event('Renamed', { i })], { expectedRevision: 0 })),
        );
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        for (const r of results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')) {
          expect(r.reason).toBeInstanceOf(WrongExpectedRevisionError);
        }
        expect(await store.readStream(stream)).toHaveLength(2);
      });

      it('lets exactly one of several concurrent no_stream appends create the stream', async () => {
        const stream = streamName('customer');
        const results = await Promise.allSettled(
          Array.from({ length: 6 }, () => store.appendToStream(stream, [event('Registered')], { expectedRevision: 'no_stream' })),
        );
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        expect(await store.readStream(stream)).toHaveLength(1);
      });
    });

    describe('idempotency', () => {
      it('returns the original positions for a retried append and stores the events once', async () => {
        const stream = streamName('customer');
        const events = [event('A'), event('B')];
        const original = await store.appendToStream(stream, events, { expectedRevision: 'no_stream' });
        await store.appendToStream(stream, [event('C')]);
        // Same ids again, with an expected revision that would now fail: still a clean duplicate.
        const retry = await store.appendToStream(stream, events, { expectedRevision: 'no_stream' });
        expect(retry).toEqual({ nextExpectedRevision: 1, positions: original.positions, duplicate: true });
        expect((await store.readStream(stream)).map((e) => e.type)).toEqual(['A', 'B', 'C']);
      });

      it('stores one event when the same event id is appended concurrently', async () => {
        const stream = streamName('customer');
        const e = event('Registered');
        const results = await Promise.all(Array.from({ length: 6 }, () => store.appendToStream(stream, [e])));
        if (!limits.noExactDuplicateFlagUnderRace) expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
        expect(new Set(results.map((r) => r.positions[0]))).toEqual(new Set([results[0].positions[0]]));
        expect(await store.readStream(stream)).toHaveLength(1);
      });

      it('rejects a mix of stored and new event ids', async () => {
        const stream = streamName('customer');
        const stored = event('A');
        await store.appendToStream(stream, [stored]);
        await expect(store.appendToStream(stream, [stored, event('B')])).rejects.toBeInstanceOf(IdempotencyConflictError);
        expect(await store.readStream(stream)).toHaveLength(1);
      });

      (limits.noCrossStreamIdCheck ? it.skip : it)('rejects an event id already stored in another stream', async () => {
        const e = event('A');
        await store.appendToStream(streamName('customer'), [e]);
        const other = streamName('customer');
        await expect(store.appendToStream(other, [e])).rejects.toBeInstanceOf(IdempotencyConflictError);
        expect(await store.readStream(other)).toEqual([]);
      });
    });

    describe('order under concurrency', () => {
      it('gives one stream\'s events increasing positions in revision order, however appends race', async () => {
        const stream = streamName('customer');
        const marker = await store.appendToStream(streamName('customer'), [event('Marker')]);
        await Promise.all([
          ...Array.from({ length: 12 }, () => store.appendToStream(stream, [event('Single')])),
          ...Array.from({ length: 6 }, () =>
            store.appendToStreams([
              { streamId: stream, events: [event('Batched'), event('Batched')] },
              { streamId: streamName('customer'), events: [event('Other')] },
            ]),
          ),
        ]);
        const all = await store.readAll({ fromPosition: marker.positions[0], maxCount: 10_000 });
        const mine = all.filter((e) => e.streamId === stream);
        expect(mine).toHaveLength(24);
        expect(mine.map((e) => e.revision)).toEqual(Array.from({ length: 24 }, (_, i) => i));
      });
    });

    describe('appendToStreams (multi-stream append)', () => {
      it('appends to several streams, each with its own outcome, in request order', async () => {
        const [a, b, c] = [streamName('customer'), streamName('customer'), streamName('customer')];
        await store.appendToStream(b, [event('B0')]);
        const outcomes = await store.appendToStreams([
          { streamId: a, events: [event('A0'), event('A1')], expectedRevision: 'no_stream' },
          { streamId: b, events: [event('B1')], expectedRevision: 5 },
          { streamId: c, events: [event('C0')] },
          { streamId: a, events: [event('A2')], expectedRevision: 1 },
        ]);
        expect(outcomes.map((o) => o.ok)).toEqual([true, false, true, true]);
        expect(outcomes[1].ok === false && outcomes[1].error).toBeInstanceOf(WrongExpectedRevisionError);
        expect(outcomes[3].ok && outcomes[3].result.nextExpectedRevision).toBe(2);
        expect((await store.readStream(a)).map((e) => e.type)).toEqual(['A0', 'A1', 'A2']);
        expect((await store.readStream(b)).map((e) => e.type)).toEqual(['B0']);
        expect((await store.readStream(c)).map((e) => e.type)).toEqual(['C0']);
        const positions = outcomes.flatMap((o) => (o.ok ? o.result.positions : []));
        expect(new Set(positions).size).toBe(positions.length);
      });

      it('keeps consecutive revisions when one call appends to the same stream several times', async () => {
        const [a, b] = [streamName('customer'), streamName('customer')];
        await store.appendToStream(a, [event('A0')]);
        const outcomes = await store.appendToStreams([
          { streamId: a, events: [event('A1'), event('A2')] },
          { streamId: b, events: [event('B0')] },
          { streamId: a, events: [event('A3')] },
          { streamId: b, events: [] },
        ]);
        expect(outcomes.map((o) => o.ok && o.result.nextExpectedRevision)).toEqual([2, 0, 3, 0]);
        expect(outcomes[0].ok && outcomes[2].ok && outcomes[2].result.positions[0] > outcomes[0].result.positions[1]).toBe(true);
        const stored = await store.readStream(a);
        expect(stored.map((e) => [e.type, e.revision])).toEqual([['A0', 0], ['A1', 1], ['A2', 2], ['A3', 3]]);
        expectIncreasing(stored.map((e) => e.position));
      });

      it('answers a retried id with its original position, also within one call', async () => {
        const stream = streamName('customer');
        const e = event('Ordered');
        const first = await store.appendToStream(stream, [e]);
        const outcomes = await store.appendToStreams([
          { streamId: stream, events: [e] },
          { streamId: stream, events: [e] },
        ]);
        for (const o of outcomes) {
          expect(o.ok && o.result).toEqual({ nextExpectedRevision: 0, positions: first.positions, duplicate: true });
        }
        const fresh = event('Fresh');
        const twice = await store.appendToStreams([
          { streamId: stream, events: [fresh] },
          { streamId: stream, events: [fresh] },
        ]);
        expect(twice.map((o) => o.ok && o.result.duplicate)).toEqual([false, true]);
        expect(await store.readStream(stream)).toHaveLength(2);
      });

      it('delivers multi-stream appends to subscribers', async () => {
        const marker = await store.appendToStream(streamName('customer'), [event('Marker')]);
        const received = subscribe(marker.positions[0]);
        const streams = [streamName('customer'), streamName('customer')];
        await store.appendToStreams(streams.map((s) => ({ streamId: s, events: [event('X')] })));
        const got = await received.waitFor((all) => streams.every((s) => all.some((e) => e.streamId === s)));
        expect(got.filter((e) => streams.includes(e.streamId))).toHaveLength(2);
      });
    });

    describe('readAll', () => {
      it('reads events after a position, in position order, up to maxCount', async () => {
        const stream = streamName('customer');
        const marker = await store.appendToStream(stream, [event('Marker')]);
        const ours = await store.appendToStream(stream, [event('A'), event('B'), event('C')]);
        const from = marker.positions[0];

        const page = await store.readAll({ fromPosition: from, maxCount: 2 });
        expect(page.length).toBeGreaterThan(0);
        expect(page.length).toBeLessThanOrEqual(2);
        expect(page[0].position > from).toBe(true);
        expectIncreasing(page.map((e) => e.position));

        // Other writers may interleave: page on until ours are all seen.
        const seen: StoredEvent[] = [];
        let cursor = from;
        while (seen.filter((e) => e.streamId === stream).length < 3) {
          const next = await store.readAll({ fromPosition: cursor, maxCount: 2 });
          if (next.length === 0) break;
          seen.push(...next);
          cursor = next[next.length - 1].position;
        }
        expectIncreasing(seen.map((e) => e.position));
        expect(seen.filter((e) => e.streamId === stream).map((e) => e.position)).toEqual(ours.positions);
      });
    });

    describe('subscribeToAll', () => {
      it('catches up, then delivers live events in order without duplicates', async () => {
        const stream = streamName('customer');
        const marker = await store.appendToStream(stream, [event('Marker')]);
        await store.appendToStream(stream, [event('Old', { n: 1 }), event('Old', { n: 2 })]);

        let inHandler = 0;
        let overlapped = false;
        const received = subscribe(marker.positions[0], async () => {
          overlapped ||= inHandler > 0;
          inHandler++;
          await sleep(5);
          inHandler--;
        });
        await received.waitFor((all) => all.filter((e) => e.streamId === stream).length >= 2);

        await store.appendToStream(stream, [event('New', { n: 3 })]);
        await store.appendToStream(stream, [event('New', { n: 4 }), event('New', { n: 5 })]);
        const mine = await received.waitFor((all) => all.filter((e) => e.streamId === stream).length >= 5);

        expect(mine.filter((e) => e.streamId === stream).map((e) => e.data['n'])).toEqual([1, 2, 3, 4, 5]);
        expectIncreasing(received.events.map((e) => e.position)); // global order, no duplicates
        expect(received.events[0].position > marker.positions[0]).toBe(true);
        expect(overlapped).toBe(false);
      });

      it('resumes after a checkpoint', async () => {
        const stream = streamName('customer');
        const marker = await store.appendToStream(stream, [event('Marker')]);
        const firstRun = subscribe(marker.positions[0]);
        await store.appendToStream(stream, [event('First')]);
        const delivered = await firstRun.waitFor((all) => all.some((e) => e.streamId === stream));
        const checkpoint = delivered[delivered.length - 1].position;
        await Promise.all(subscriptions.splice(0).map((s) => s.stop()));

        await store.appendToStream(stream, [event('Second')]);
        const secondRun = subscribe(checkpoint);
        await secondRun.waitFor((all) => all.some((e) => e.streamId === stream));
        expect(secondRun.events.filter((e) => e.streamId === stream).map((e) => e.type)).toEqual(['Second']);
        expect(secondRun.events.every((e) => e.position > checkpoint)).toBe(true);
      });
    });

    it('answers ping', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });
  });
}

/** Accumulates delivered batches and lets a test wait for a condition on them. */
class Collector {
  readonly events: StoredEvent[] = [];
  private waiters: Array<() => void> = [];

  add(batch: StoredEvent[]): void {
    this.events.push(...batch);
    this.waiters.splice(0).forEach((w) => w());
  }

  async waitFor(done: (all: StoredEvent[]) => boolean, timeoutMs = 10_000): Promise<StoredEvent[]> {
    const deadline = Date.now() + timeoutMs;
    while (!done(this.events)) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`Subscription did not deliver in ${timeoutMs} ms; got ${this.events.length} events`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    return this.events;
  }
}

export function streamName(category: string): string {
  return `${category}-${randomUUID()}`;
}

export function event(type: string, data: Record<string, unknown> = {}, metadata?: Record<string, unknown>): NewEvent {
  return { eventId: randomUUID(), type, data, ...(metadata ? { metadata } : {}) };
}

function expectIncreasing(positions: bigint[]): void {
  positions.forEach((p, i) => {
    if (i > 0 && !(p > positions[i - 1])) {
      throw new Error(`positions not strictly increasing at ${i}: ${positions.join(', ')}`);
    }
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
