import { InMemoryEventStore } from '../memory/in-memory-event-store';
import { EventStoreNotEmptyError, exportEvents, importEvents, NdjsonFormatError, parseNdjsonEvent } from './ndjson-events';

const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

async function seeded(): Promise<InMemoryEventStore> {
  const store = new InMemoryEventStore();
  // interleaved streams: the import must keep this order
  await store.appendToStream('customer-a', [{ eventId: uuid(1), type: 't.a', data: { n: 1 }, metadata: { schemaVersion: 1 } }]);
  await store.appendToStream('customer-b', [{ eventId: uuid(2), type: 't.b', data: { n: 2 } }]);
  await store.appendToStream('customer-a', [{ eventId: uuid(3), type: 't.a', data: { n: 3 } }]);
  await store.appendToStream('lifecycle-a', [{ eventId: uuid(4), type: 't.l', data: { n: 4 } }]);
  await store.appendToStream('customer-a', [{ eventId: uuid(5), type: 't.a', data: { n: 5 } }]);
  return store;
}

async function exported(store: InMemoryEventStore, range = {}): Promise<string[]> {
  let text = '';
  await exportEvents(store, { pageSize: 2, ...range }, (lines) => void (text += lines));
  return text.split('\n').filter((l) => l !== '');
}

async function* linesOf(lines: string[]): AsyncGenerator<string> {
  yield* lines;
}

describe('NDJSON export and import', () => {
  it('exports a range of the global log, one stored event per line', async () => {
    const store = await seeded();
    const all = await exported(store);
    expect(all.map((l) => JSON.parse(l).eventId)).toEqual([1, 2, 3, 4, 5].map(uuid));
    expect(JSON.parse(all[0])).toMatchObject({ streamId: 'customer-a', revision: 0, type: 't.a', data: { n: 1 }, metadata: { schemaVersion: 1 } });
    const positions = all.map((l) => JSON.parse(l).position as string);
    const middle = await exported(store, { after: BigInt(positions[0]), upTo: BigInt(positions[3]) });
    expect(middle.map((l) => JSON.parse(l).eventId)).toEqual([2, 3, 4].map(uuid));
  });

  it('imports into an empty store with the same streams, revisions, ids and order', async () => {
    const lines = await exported(await seeded());
    const target = new InMemoryEventStore();
    expect(await importEvents(target, linesOf(lines), { batchSize: 3 })).toEqual({ events: 5, streams: 3 });
    const copy = await target.readAll();
    expect(copy.map((e) => [e.eventId, e.streamId, e.revision, e.type, e.data])).toEqual(lines.map((l) => {
      const e = JSON.parse(l);
      return [e.eventId, e.streamId, e.revision, e.type, e.data];
    }));
  });

  it('refuses a store that holds events', async () => {
    const lines = await exported(await seeded());
    await expect(importEvents(await seeded(), linesOf(lines))).rejects.toBeInstanceOf(EventStoreNotEmptyError);
  });

  it('refuses partial streams, lines out of order and malformed lines, naming the line', async () => {
    const lines = await exported(await seeded());
    await expect(importEvents(new InMemoryEventStore(), linesOf(lines.slice(2)))).rejects.toThrow(/line 1: stream customer-a: revision 1, expected 0/);
    await expect(importEvents(new InMemoryEventStore(), linesOf([lines[1], lines[0]]))).rejects.toThrow(/line 2: position/);
    await expect(importEvents(new InMemoryEventStore(), linesOf(['{"position":"1"}']))).rejects.toThrow(NdjsonFormatError);
    expect(() => parseNdjsonEvent('nope', 7)).toThrow('line 7: not JSON');
  });
});
