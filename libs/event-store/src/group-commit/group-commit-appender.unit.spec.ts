import { randomUUID } from 'node:crypto';
import { WrongExpectedRevisionError } from '../event-store.errors';
import type { AppendRequest } from '../event-store.port';
import { InMemoryEventStore } from '../memory/in-memory-event-store';
import { GroupCommitAppender } from './group-commit-appender';

const request = (streamId: string, expectedRevision?: AppendRequest['expectedRevision']): AppendRequest => ({
  streamId,
  events: [{ eventId: randomUUID(), type: 'T', data: {} }],
  expectedRevision,
});

describe('GroupCommitAppender', () => {
  it('sends a lone request at once and groups the requests that arrive while it is in flight', async () => {
    const store = new InMemoryEventStore();
    const calls: number[] = [];
    const appendToStreams = store.appendToStreams.bind(store);
    store.appendToStreams = async (requests) => {
      calls.push(requests.length);
      await new Promise((r) => setTimeout(r, 10));
      return appendToStreams(requests);
    };
    const appender = new GroupCommitAppender(store, { maxInFlight: 1, maxBatch: 50 });
    const results = await Promise.all(Array.from({ length: 101 }, (_, i) => appender.append(request(`s-${i % 7}`))));
    expect(calls).toEqual([1, 50, 50]);
    expect(results).toHaveLength(101);
    expect((await store.readAll()).length).toBe(101);
  });

  it('keeps each stream in request order and gives each caller its own outcome', async () => {
    const store = new InMemoryEventStore();
    const appender = new GroupCommitAppender(store, { maxInFlight: 1 });
    const settled = await Promise.allSettled([
      appender.append(request('a', 'no_stream')),
      appender.append(request('a', 0)),
      appender.append(request('a', 0)),
      appender.append(request('b')),
    ]);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect((settled[2] as PromiseRejectedResult).reason).toBeInstanceOf(WrongExpectedRevisionError);
    expect((settled[1] as PromiseFulfilledResult<{ nextExpectedRevision: number }>).value.nextExpectedRevision).toBe(1);
  });

  it('writes one stream\'s appends in the order they were made, even with several batches in flight', async () => {
    const store = new InMemoryEventStore();
    const appendToStreams = store.appendToStreams.bind(store);
    let call = 0;
    store.appendToStreams = async (requests) => {
      // Later calls finish first: a stream split across two in-flight batches would come out reversed.
      await new Promise((r) => setTimeout(r, 20 - 5 * call++));
      return appendToStreams(requests);
    };
    const appender = new GroupCommitAppender(store, { maxInFlight: 3, maxBatch: 2 });
    const requests = Array.from({ length: 8 }, (_, i) => ({ ...request(i % 2 === 0 ? 'same' : `other-${i}`), events: [{ eventId: randomUUID(), type: `T${i}`, data: {} }] }));
    await Promise.all(requests.map((r) => appender.append(r)));
    expect((await store.readStream('same')).map((e) => e.type)).toEqual(['T0', 'T2', 'T4', 'T6']);
  });

  it('falls back to one append per request when the whole batch fails', async () => {
    const store = new InMemoryEventStore();
    store.appendToStreams = async () => {
      throw new Error('deadlock detected');
    };
    const appender = new GroupCommitAppender(store);
    const results = await Promise.all([appender.append(request('x')), appender.append(request('y'))]);
    expect(results.map((r) => r.nextExpectedRevision)).toEqual([0, 0]);
  });
});
