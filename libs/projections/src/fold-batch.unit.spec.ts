import type { CustomerEventRecord } from '@crm/contracts';
import type { DocumentProjection, ProjectedDocument } from './document-projection';
import { foldBatch } from './fold-batch';

interface Tally { customerId: string; orders: number }

const tally: DocumentProjection<Tally> = {
  name: 'tally',
  schemaVersion: 1,
  documentId: (r) => (r.envelope.type === 'ignored' ? null : r.envelope.subject),
  evolve: (state, r) =>
    r.envelope.type === 'erased' ? null : { customerId: r.envelope.subject, orders: (state?.orders ?? 0) + 1 },
};

const rec = (subject: string, revision: number, type = 'crm.order.completed'): CustomerEventRecord => ({
  envelope: { id: `${subject}-${revision}`, type, schemaVersion: 1, source: 't', subject, time: '2026-01-01T00:00:00Z', data: {} },
  streamRevision: revision,
  position: String(100 + revision),
});

const now = new Date('2026-01-02T00:00:00Z');

describe('foldBatch', () => {
  it('folds several events of one document into one insert', () => {
    const writes = foldBatch(tally, new Map(), [rec('a', 0), rec('a', 1), rec('b', 0)], now);
    expect(writes).toHaveLength(2);
    expect(writes[0]).toMatchObject({ kind: 'insert', id: 'a', document: { orders: 2, _metadata: { revision: 1, position: '101' } } });
    expect(writes[1]).toMatchObject({ kind: 'insert', id: 'b', document: { orders: 1 } });
  });

  it('skips events at or below the stored revision, so redelivery counts once', () => {
    const stored: ProjectedDocument<Tally> = {
      _id: 'a', customerId: 'a', orders: 2,
      _metadata: { name: 'tally', schemaVersion: 1, revision: 1, position: '101', updatedAt: now },
    };
    const loaded = new Map([['a', stored]]);
    expect(foldBatch(tally, loaded, [rec('a', 0), rec('a', 1)], now)).toEqual([]);
    const writes = foldBatch(tally, loaded, [rec('a', 1), rec('a', 2)], now);
    expect(writes).toEqual([
      expect.objectContaining({ kind: 'replace', id: 'a', expectedRevision: 1, document: expect.objectContaining({ orders: 3 }) }),
    ]);
  });

  it('deletes when evolve returns null, and ignores unrelated events', () => {
    const stored: ProjectedDocument<Tally> = {
      _id: 'a', customerId: 'a', orders: 1,
      _metadata: { name: 'tally', schemaVersion: 1, revision: 0, position: '100', updatedAt: now },
    };
    const writes = foldBatch(tally, new Map([['a', stored]]), [rec('a', 1, 'erased'), rec('c', 0, 'ignored')], now);
    expect(writes).toEqual([{ kind: 'delete', id: 'a', expectedRevision: 0, expectedWrites: null }]);
  });
});

describe('foldBatch across a customer\'s streams', () => {
  const fromStream = (streamId: string, subject: string, revision: number, position: number): CustomerEventRecord => ({
    ...rec(subject, revision),
    envelope: { ...rec(subject, revision).envelope, id: `${streamId}-${revision}` },
    streamId,
    position: String(position),
  });

  it('guards each stream category with its own revision', () => {
    const first = foldBatch(tally, new Map(), [rec('a', 0), fromStream('loyalty-a', 'a', 0, 200), fromStream('loyalty-a', 'a', 1, 201)], now);
    expect(first[0]).toMatchObject({ kind: 'insert', document: { orders: 3, _metadata: { revision: 0, revisions: { loyalty: 1 }, position: '201' } } });
    const loaded = new Map([['a', first[0].document as ProjectedDocument<Tally>]]);
    // loyalty revision 1 was applied, customer revision 1 was not: only the latter counts
    const again = foldBatch(tally, loaded, [fromStream('loyalty-a', 'a', 1, 201), rec('a', 1)], now);
    expect(again[0]).toMatchObject({ kind: 'replace', document: { orders: 4, _metadata: { revision: 1, revisions: { loyalty: 1 } } } });
  });

  it('derives facts from each applied event, and none from a redelivered one', () => {
    const deriving: DocumentProjection<Tally> = {
      ...tally,
      derive: (before, after, r) =>
        (before?.orders ?? 0) < 2 && (after?.orders ?? 0) >= 2
          ? [{ streamId: `lifecycle-${r.envelope.subject}`, envelope: { ...r.envelope, id: `derived-${r.envelope.id}`, type: 'crm.lifecycle.stage-changed' } }]
          : [],
    };
    const derived: { streamId: string }[] = [];
    const writes = foldBatch(deriving, new Map(), [rec('a', 0), rec('a', 1), rec('a', 2)], now, derived as never);
    expect(derived).toEqual([expect.objectContaining({ streamId: 'lifecycle-a', envelope: expect.objectContaining({ id: 'derived-a-1' }) })]);
    const redelivered: unknown[] = [];
    foldBatch(deriving, new Map([['a', writes[0].document as ProjectedDocument<Tally>]]), [rec('a', 1)], now, redelivered as never);
    expect(redelivered).toEqual([]);
  });
});
