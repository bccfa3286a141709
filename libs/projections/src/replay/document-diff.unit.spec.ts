import { compareDocuments, changedFields, DiffAccumulator, rebuildMatchesLive, type StoredReadModelDocument } from './document-diff';

const doc = (id: string, state: Record<string, unknown>, meta: Record<string, unknown> = {}): StoredReadModelDocument => ({
  _id: id,
  ...state,
  _metadata: { name: 'p', schemaVersion: 1, revision: 3, position: '40', updatedAt: new Date('2026-01-01'), writes: 4, ...meta },
});

describe('compareDocuments', () => {
  it('ignores when and how often a document was written', () => {
    const live = doc('a', { orders: 2 });
    const rebuilt = doc('a', { orders: 2 }, { updatedAt: new Date('2026-06-01'), writes: 1 });
    expect(compareDocuments(live, rebuilt)).toBe('same');
  });

  it('reports a difference in content at the same revisions as changed, naming the fields', () => {
    const live = doc('a', { orders: 2, email: 'x' });
    const rebuilt = doc('a', { orders: 3, email: 'x' });
    expect(compareDocuments(live, rebuilt)).toBe('changed');
    expect(changedFields(live, rebuilt)).toEqual(['orders']);
  });

  it('treats documents at different revisions (any stream category) as in flight, not changed', () => {
    expect(compareDocuments(doc('a', { orders: 2 }, { revision: 4 }), doc('a', { orders: 3 }))).toBe('in-flight');
    expect(compareDocuments(doc('a', { orders: 2 }, { revisions: { lifecycle: 1 } }), doc('a', { orders: 2 }, { revisions: { lifecycle: 0 } }))).toBe('in-flight');
  });

  it('compares absorbed customers as a set', () => {
    expect(compareDocuments(doc('a', {}, { absorbed: ['y', 'x'] }), doc('a', {}, { absorbed: ['x', 'y'] }))).toBe('same');
    expect(compareDocuments(doc('a', {}, { absorbed: ['y'] }), doc('a', {}, { absorbed: ['x', 'y'] }))).toBe('changed');
  });

  it('classifies documents on one side only, in flight when the live one is past the rebuild', () => {
    expect(compareDocuments(undefined, doc('a', {}))).toBe('added');
    expect(compareDocuments(doc('a', {}, { position: '40' }), undefined, 50n)).toBe('removed');
    expect(compareDocuments(doc('a', {}, { position: '60' }), undefined, 50n)).toBe('in-flight');
  });
});

describe('DiffAccumulator', () => {
  it('sums comparisons, counts changed fields and lists live documents that are behind', () => {
    const diff = new DiffAccumulator(100n, 2);
    diff.add(doc('same', { n: 1 }), doc('same', { n: 1 }));
    diff.add(doc('c1', { n: 1, m: 1 }), doc('c1', { n: 2, m: 2 }));
    diff.add(doc('c2', { n: 1 }), doc('c2', { n: 2 }));
    diff.add(undefined, doc('new', {}));
    diff.add(doc('behind', {}, { revision: 2 }), doc('behind', {}, { revision: 3 }));
    diff.add(doc('ahead', {}, { revision: 4 }), doc('ahead', {}, { revision: 3 }));
    const summary = diff.summary();
    expect(summary).toMatchObject({ liveDocuments: 5, rebuiltDocuments: 6, same: 1, changed: 2, added: 1, removed: 0, inFlight: 2, changedFields: { n: 2, m: 1 } });
    expect(summary.examples).toEqual([
      { id: 'c1', comparison: 'changed', fields: ['m', 'n'] },
      { id: 'c2', comparison: 'changed', fields: ['n'] },
    ]);
    const withRevisions = new DiffAccumulator(100n);
    withRevisions.add(doc('behind', {}, { revision: 2 }), doc('behind', {}, { revision: 3, revisions: { lifecycle: 0 } }));
    expect(withRevisions.summary().examples).toEqual([{ id: 'behind', comparison: 'in-flight', revisions: { live: { customer: 2 }, rebuilt: { customer: 3, lifecycle: 0 } } }]);
    expect(diff.liveBehind).toEqual(['new', 'behind']);
    expect(rebuildMatchesLive(summary)).toBe(false);
  });
});
