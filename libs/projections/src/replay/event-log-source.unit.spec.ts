import { parseCustomerEventMessage, toKafkaMessage } from '@crm/messaging';
import type { KafkaMessage } from 'kafkajs';
import { categoriesOfTopics, foldsStream, isUnreadable, readLogPages, recordFromStoredEvent } from './event-log-source';
import { FakeLog, storedEvents } from './testing/fake-log';

const events = storedEvents(
  Array.from({ length: 25 }, (_, i) => ({
    streamId: i % 5 === 4 ? `lifecycle-c${i % 3}` : `customer-c${i % 3}`,
    type: i % 5 === 4 ? 'crm.lifecycle.stage-changed' : 'crm.customer.registered',
    data: i % 5 === 4 ? { from: null, to: 'lead', reason: 'r', reactivation: false, at: '2026-01-01T00:00:00Z' } : { email: `c${i}@example.com` },
    position: BigInt(10 + i * 2),
    recordedAt: '2026-01-01T00:00:00Z',
  })),
);

describe('records from stored events', () => {
  it('equal what the consumer builds from the relay message', () => {
    for (const stored of events.slice(0, 6)) {
      const message = toKafkaMessage(stored);
      const viaKafka = parseCustomerEventMessage({ ...message, value: Buffer.from(String(message.value)), offset: '0', timestamp: '0', attributes: 0 } as unknown as KafkaMessage);
      expect(recordFromStoredEvent(stored)).toEqual(viaKafka);
    }
  });

  it('upcast old schema versions', () => {
    const [v1] = storedEvents([{ streamId: 'customer-c9', type: 'crm.profile.updated', data: { email: 'a@example.com' }, position: 1n, recordedAt: '2026-01-01T00:00:00Z' }]);
    const record = recordFromStoredEvent(v1);
    expect(isUnreadable(record)).toBe(false);
    expect(record).toMatchObject({ envelope: { schemaVersion: 2, data: { contact: { email: 'a@example.com' } } }, streamId: 'customer-c9', streamRevision: 0, position: '1' });
  });

  it('follow the service topics to stream categories', () => {
    const categories = categoriesOfTopics(['crm.customer-events.v1', 'crm.lifecycle-stages.v1']);
    expect([...categories].sort()).toEqual(['customer', 'lifecycle']);
    expect(foldsStream(categories, 'lifecycle-c1')).toBe(true);
    expect(foldsStream(categories, 'loyalty-c1')).toBe(false);
    expect(foldsStream(categories, 'relay-bookkeeping')).toBe(false);
    expect([...categoriesOfTopics()]).toEqual(['customer']);
  });
});

describe('readLogPages', () => {
  const collect = async (log: FakeLog, options: Parameters<typeof readLogPages>[1]) => {
    const pages = [];
    for await (const page of readLogPages(log, options)) pages.push(page);
    return pages;
  };

  it('reads the log in order, page by page, filtered to the streams folded', async () => {
    const categories = categoriesOfTopics();
    const pages = await collect(new FakeLog(events), { pageSize: 10, include: (e) => foldsStream(categories, e.streamId) });
    expect(pages.map((p) => p.read)).toEqual([10, 10, 5]);
    expect(pages.flatMap((p) => p.records.map((r) => r.position))).toEqual(events.filter((e) => e.streamId.startsWith('customer-')).map((e) => e.position.toString()));
    expect(pages.map((p) => p.lastPosition)).toEqual([28n, 48n, 58n]);
  });

  it('starts after a position and stops at an end position', async () => {
    const pages = await collect(new FakeLog(events), { pageSize: 4, after: 20n, upTo: 31n });
    expect(pages.flatMap((p) => p.records.map((r) => r.position))).toEqual(['22', '24', '26', '28', '30']);
  });

  it('keeps the next read in flight while a page is being applied', async () => {
    const log = new FakeLog(events, 20);
    const readingWhileApplying: number[] = [];
    for await (const _page of readLogPages(log, { pageSize: 5, readAhead: 2 })) {
      await new Promise((r) => setTimeout(r, 5));
      readingWhileApplying.push(log.inFlight);
      await new Promise((r) => setTimeout(r, 30)); // applying the page
    }
    expect(readingWhileApplying).toHaveLength(5);
    expect(readingWhileApplying.slice(0, 4)).toEqual([1, 1, 1, 1]); // the next page was being read meanwhile
    expect(log.maxInFlight).toBe(1); // chained: each read starts where the previous ended
  });

  it('folds stored customer events without checking them against newer contracts (they were folded live when stored)', async () => {
    const old = storedEvents([{ streamId: 'customer-x', type: 'crm.touchpoint.recorded', data: { channel: 'web', action: 'a free-text action of old' }, position: 1n, recordedAt: '2026-01-01T00:00:00Z' }]);
    const [page] = await collect(new FakeLog(old), { pageSize: 10 });
    expect(page.unreadable).toEqual([]);
    expect(page.records.map((r) => r.envelope.data)).toEqual([{ channel: 'web', action: 'a free-text action of old' }]);
  });
});
