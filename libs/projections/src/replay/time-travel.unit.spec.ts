import { categoriesOfTopics } from './event-log-source';
import { InMemoryDocuments } from './in-memory-documents';
import { FakeLog, storedEvents } from './testing/fake-log';
import { contactCardProjection } from './testing/contact-card.read-model';
import { foldCustomerAsOf } from './time-travel';
import { ProjectionRunner } from '../projection-runner';
import type { DocumentProjection } from '../document-projection';

const categories = categoriesOfTopics(['crm.customer-events.v1', 'crm.lifecycle-stages.v1']);
const order = (id: string, totalMinor: number) => ({ orderId: id, totalMinor, currency: 'EUR' });

// Event times (metadata.time) differ from recording times where it matters: a late backfill.
const log = new FakeLog(
  storedEvents([
    { streamId: 'customer-a', type: 'crm.customer.registered', data: { email: 'a@example.com' }, position: 10n, recordedAt: '2026-01-01T00:00:00Z' },
    { streamId: 'customer-a', type: 'crm.order.completed', data: order('o1', 100), position: 20n, recordedAt: '2026-01-02T00:00:00Z' },
    { streamId: 'customer-b', type: 'crm.customer.registered', data: { email: 'b@example.com' }, position: 25n, recordedAt: '2026-01-02T00:00:00Z' },
    { streamId: 'customer-b', type: 'crm.order.completed', data: order('o2', 40), position: 26n, recordedAt: '2026-01-02T12:00:00Z' },
    { streamId: 'customer-a', type: 'crm.order.completed', data: order('o3', 200), position: 30n, recordedAt: '2026-01-03T00:00:00Z' },
    { streamId: 'lifecycle-a', type: 'crm.lifecycle.stage-changed', data: { from: null, to: 'repeat-customer', reason: 'r', reactivation: false, at: '2026-01-03T00:00:00Z' }, position: 31n, recordedAt: '2026-01-03T00:00:00Z' },
    {
      streamId: 'customer-b',
      type: 'crm.customer.merged',
      data: { survivorId: 'a', mergedId: 'b', reason: 'identity', identity: { kind: 'email', value: 'b@example.com' } },
      position: 40n,
      recordedAt: '2026-01-04T00:00:00Z',
    },
    { streamId: 'customer-a', type: 'crm.order.completed', data: order('o-backfill', 7), position: 50n, recordedAt: '2026-01-05T00:00:00Z', metadata: { time: '2025-12-31T00:00:00Z' } },
  ]),
);

const asOf = (time: string, clock?: 'recorded' | 'event') =>
  foldCustomerAsOf({ store: log, projection: contactCardProjection, categories, customerId: 'a', mergedCustomers: ['b'], asOf: { time: new Date(time), clock } });

describe('time travel', () => {
  it('folds a customer up to an instant of the recording clock', async () => {
    expect(await asOf('2025-12-01T00:00:00Z')).toEqual([]);
    const [day2] = await asOf('2026-01-02T00:00:00Z');
    expect(day2).toMatchObject({ _id: 'a', orders: 1, revenueMinor: 100, stage: null, _metadata: { revision: 1, position: '20' } });
    const [day3] = await asOf('2026-01-03T00:00:00Z');
    expect(day3).toMatchObject({ orders: 2, revenueMinor: 300, stage: 'repeat-customer', _metadata: { revision: 2, revisions: { lifecycle: 0 } } });
  });

  it('absorbs merged customers once their merge happened', async () => {
    const beforeMerge = await asOf('2026-01-03T12:00:00Z');
    expect(beforeMerge.map((d) => d._id).sort()).toEqual(['a', 'b']);
    const afterMerge = await asOf('2026-01-04T00:00:00Z');
    expect(afterMerge.find((d) => d._id === 'a')).toMatchObject({ orders: 3, revenueMinor: 340, _metadata: { absorbed: ['b'] } });
    expect(afterMerge.find((d) => d._id === 'b')).toMatchObject({ mergedInto: 'a' });
  });

  it('folds by event time on request: a backfilled event counts from when it happened', async () => {
    const [recorded] = await asOf('2026-01-01T00:00:00Z');
    expect(recorded).toMatchObject({ orders: 0 });
    const [happened] = await asOf('2026-01-01T00:00:00Z', 'event');
    expect(happened).toMatchObject({ orders: 1, revenueMinor: 7 });
  });

  it('folds up to a position', async () => {
    const docs = await foldCustomerAsOf({ store: log, projection: contactCardProjection, categories, customerId: 'a', asOf: { position: 30n } });
    expect(docs).toEqual([expect.objectContaining({ _id: 'a', orders: 2, revenueMinor: 300 })]);
  });
});

describe('ProjectionRunner without deriving', () => {
  const records = storedEvents([
    { streamId: 'customer-z', type: 'crm.order.completed', data: order('1', 1), position: 1n, recordedAt: '2026-01-01T00:00:00Z' },
    { streamId: 'customer-z', type: 'crm.order.completed', data: order('2', 1), position: 2n, recordedAt: '2026-01-01T00:00:00Z' },
  ]).map((e) => ({ envelope: { id: e.eventId, type: e.type, schemaVersion: 1, source: 't', subject: 'z', time: '2026-01-01T00:00:00Z', data: e.data }, streamId: e.streamId, streamRevision: e.revision, position: e.position.toString() }));

  it('refuses a deriving projection without a sink, unless told to skip deriving', async () => {
    const docs = new InMemoryDocuments();
    expect(() => new ProjectionRunner(contactCardProjection as DocumentProjection<object>, { collection: docs.asCollection() } as never)).toThrow(/derived-event sink/);
    const appended: unknown[] = [];
    const deriving = new ProjectionRunner(contactCardProjection as DocumentProjection<object>, { collection: docs.asCollection() } as never, undefined, { append: async (e) => void appended.push(...e) });
    await deriving.apply(records);
    expect(appended).toHaveLength(1);

    const rebuilt = new InMemoryDocuments();
    const skipping = new ProjectionRunner(contactCardProjection as DocumentProjection<object>, { collection: rebuilt.asCollection() } as never, undefined, undefined, { skipDerived: true });
    expect(await skipping.apply(records)).toBe(1);
    expect(rebuilt.get('z')).toMatchObject({ orders: 2 });
    expect(await skipping.apply(records)).toBe(0); // the revision guard holds as in the live runner
  });
});
