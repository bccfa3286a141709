import type { CustomerEventRecord } from '@crm/contracts';
import type { DocumentProjection } from '../document-projection';
import { ProjectionRunner } from '../projection-runner';
import { InMemoryDocuments } from './in-memory-documents';
import { contactCardProjection } from './testing/contact-card.read-model';
import { WriteBehindDocuments } from './write-behind-documents';

const projection = contactCardProjection as DocumentProjection<object>;

/** A history over `customers` customers, interleaved, with a merge and an erasure. */
function history(customers: number, perCustomer: number): CustomerEventRecord[] {
  const records: CustomerEventRecord[] = [];
  const revisions = new Map<string, number>();
  let position = 0;
  const add = (customer: string, type: string, data: Record<string, unknown>) => {
    const revision = revisions.get(customer) ?? 0;
    revisions.set(customer, revision + 1);
    position++;
    records.push({ envelope: { id: `e${position}`, type, schemaVersion: 1, source: 't', subject: customer, time: '2026-01-01T00:00:00Z', data }, streamId: `customer-${customer}`, streamRevision: revision, position: String(position) });
  };
  for (let round = 0; round < perCustomer; round++) {
    for (let c = 0; c < customers; c++) {
      if (round === 0) add(`c${c}`, 'crm.customer.registered', { email: `c${c}@example.com` });
      else add(`c${c}`, 'crm.order.completed', { orderId: `o${round}`, totalMinor: c + round, currency: 'EUR' });
    }
  }
  add('c1', 'crm.customer.merged', { survivorId: 'c0', mergedId: 'c1', reason: 'identity', identity: { kind: 'email', value: 'x@example.com' } });
  add('c2', 'crm.customer.erased', {});
  return records;
}

async function foldInBatches(runner: ProjectionRunner<object>, records: CustomerEventRecord[], size: number, afterBatch?: () => Promise<void>): Promise<void> {
  for (let i = 0; i < records.length; i += size) {
    await runner.apply(records.slice(i, i + size));
    await afterBatch?.();
  }
}

const byId = (docs: { _id: string }[]) => Object.fromEntries(docs.map(({ _id, ...rest }) => [_id, { ...rest, _metadata: { ...(rest as { _metadata: object })._metadata, updatedAt: null } }]));

describe('WriteBehindDocuments', () => {
  const records = history(30, 6);

  it('folds to the same documents as writing every batch, writing each document once per flush', async () => {
    const direct = new InMemoryDocuments();
    await foldInBatches(new ProjectionRunner(projection, { collection: direct.asCollection() } as never, () => new Date(0), undefined, { skipDerived: true }), records, 25);

    const target = new InMemoryDocuments();
    const reads = jest.spyOn(target, 'find');
    const cache = new WriteBehindDocuments(target.asCollection() as never, 1_000, true);
    await foldInBatches(new ProjectionRunner(projection, { collection: cache.asCollection() } as never, () => new Date(0), undefined, { skipDerived: true }), records, 25);
    expect(target.all()).toEqual([]); // nothing written before the flush
    const written = await cache.write(cache.takeDirty());
    expect(written).toBe(29); // 30 cards, one erased (never written: it never reached the database)
    expect(byId(target.all())).toEqual(byId(direct.all()));
    expect(reads).not.toHaveBeenCalled(); // a shadow that started empty is never read
  });

  it('evicts down to its size and reads evicted documents back when they change again', async () => {
    const direct = new InMemoryDocuments();
    await foldInBatches(new ProjectionRunner(projection, { collection: direct.asCollection() } as never, () => new Date(0), undefined, { skipDerived: true }), records, 7);

    const target = new InMemoryDocuments();
    const reads = jest.spyOn(target, 'find');
    const cache = new WriteBehindDocuments(target.asCollection() as never, 10, true);
    let flushes = 0;
    await foldInBatches(new ProjectionRunner(projection, { collection: cache.asCollection() } as never, () => new Date(0), undefined, { skipDerived: true }), records, 7, async () => {
      if (!cache.overCapacity) return;
      await cache.write(cache.takeDirty());
      flushes++;
      cache.evict();
      expect(cache.size).toBeLessThanOrEqual(8);
    });
    await cache.write(cache.takeDirty());
    expect(flushes).toBeGreaterThan(3);
    expect(reads).toHaveBeenCalled();
    expect(byId(target.all())).toEqual(byId(direct.all()));
  });

  it('reads what it does not hold from a shadow that did not start empty (a resumed replay)', async () => {
    const target = new InMemoryDocuments();
    await target.bulkWrite([{ insertOne: { document: { _id: 'c5', customerId: 'c5', orders: 9, _metadata: { name: 'contact-card', schemaVersion: 1, revision: 99, position: '1', updatedAt: new Date(0) } } } }]);
    const cache = new WriteBehindDocuments(target.asCollection() as never, 100, false);
    const runner = new ProjectionRunner(projection, { collection: cache.asCollection() } as never, () => new Date(0), undefined, { skipDerived: true });
    expect(await runner.apply(records.filter((r) => r.envelope.subject === 'c5'))).toBe(0); // already applied there
  });

  it('leaves hot documents in memory and checkpoints below the oldest unwritten change', async () => {
    const target = new InMemoryDocuments();
    const cache = new WriteBehindDocuments(target.asCollection() as never, 100, true);
    const runner = new ProjectionRunner(projection, { collection: cache.asCollection() } as never, () => new Date(0), undefined, { skipDerived: true });
    const a = records.filter((r) => r.envelope.subject === 'c3');
    const b = records.filter((r) => r.envelope.subject === 'c4');
    cache.beginBatch(BigInt(a[0].position));
    await runner.apply(a.slice(0, 2));
    cache.beginBatch(BigInt(b[0].position));
    await runner.apply(b.slice(0, 2));
    // c3 was not touched by the last batch: cold; c4 was: hot.
    expect(cache.takeDirty({ hotBatches: 1 }).map((c) => c.id)).toEqual(['c3']);
    expect(cache.safePosition(BigInt(b[1].position))).toBe(BigInt(b[0].position) - 1n);
    cache.beginBatch(BigInt(a[2].position));
    await runner.apply([a[2]]);
    expect(cache.takeDirty({ hotBatches: 1, maxDirtyBatches: 1 }).map((c) => c.id).sort()).toEqual(['c4']); // c4 unwritten too long; c3 hot again
    expect(cache.safePosition(BigInt(a[2].position))).toBe(BigInt(a[2].position) - 1n);
    expect(cache.takeDirty().map((c) => c.id)).toEqual(['c3']);
    expect(cache.safePosition(999n)).toBe(999n);
  });

  it('writes the same changes again after a failed write', async () => {
    const target = new InMemoryDocuments();
    const cache = new WriteBehindDocuments(target.asCollection() as never, 100, true);
    await new ProjectionRunner(projection, { collection: cache.asCollection() } as never, () => new Date(0), undefined, { skipDerived: true }).apply(records.slice(0, 5));
    jest.spyOn(target, 'bulkWrite').mockRejectedValueOnce(new Error('connection reset'));
    const changes = cache.takeDirty();
    await expect(cache.write(changes)).rejects.toThrow('connection reset');
    expect(await cache.write(changes)).toBe(5);
    expect(target.all()).toHaveLength(5);
  });
});
