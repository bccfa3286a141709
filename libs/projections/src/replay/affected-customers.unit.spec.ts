import type { CustomerEventRecord } from '@crm/contracts';
import { chunkGroups, CustomerGroups, customerOfRecord, noteAffected } from './affected-customers';

const record = (streamId: string, type: string, data: Record<string, unknown> = {}): CustomerEventRecord => ({
  envelope: { id: `${streamId}-${type}`, type, schemaVersion: 1, source: 't', subject: streamId.replace(/^[a-z-]+?-(?=c)/, ''), time: '2026-01-01T00:00:00Z', data },
  streamId,
  streamRevision: 0,
  position: '1',
});

describe('affected customers', () => {
  it('names the customer of any stream category', () => {
    expect(customerOfRecord(record('segment-membership-c-9', 'x'))).toBe('c-9');
    expect(customerOfRecord(record('customer-c-1', 'x'))).toBe('c-1');
  });

  it('groups survivors with the customers merged into them, and keeps the others apart', () => {
    const groups = new CustomerGroups();
    const touched = new Set<string>();
    noteAffected(groups, touched, record('customer-c3', 'crm.customer.merged', { survivorId: 'c1', mergedId: 'c3' }));
    noteAffected(groups, touched, record('customer-c7', 'crm.order.completed'));
    groups.link('c1', 'c0'); // absorbed before the start (from the live model)
    groups.link('c8', 'c9'); // untouched group
    expect([...touched].sort()).toEqual(['c1', 'c3', 'c7']);
    expect(groups.groupsOf(touched)).toEqual([['c0', 'c1', 'c3'], ['c7']]);
  });

  it('packs groups into chunks without splitting one', () => {
    expect(chunkGroups([['a', 'b'], ['c'], ['d', 'e', 'f'], ['g']], 3)).toEqual([['a', 'b', 'c'], ['d', 'e', 'f'], ['g']]);
    expect(chunkGroups([['a', 'b', 'c', 'd']], 2)).toEqual([['a', 'b', 'c', 'd']]);
  });
});
