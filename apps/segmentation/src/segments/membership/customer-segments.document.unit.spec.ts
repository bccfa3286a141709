import { evolveCustomerSegments, type SegmentationContext } from '@crm/segmentation-domain';
import { fromStored, toStored, type StoredCustomerSegments } from './customer-segments.document';
import { membershipEvent } from './membership-events';

const context: SegmentationContext = { rfm: null, segments: [{ id: 'buyers', name: 'Buyers', version: 2, rule: { field: 'orders', gte: 1 } }] };
const envelope = (type: string, data: Record<string, unknown>, time = '2026-03-01T10:00:00.000Z') => ({ id: 'e-1', type, schemaVersion: 1, source: 't', subject: 'c1', time, data });

describe('stored customer segments', () => {
  it('packs what rules read into one string and keeps the queried fields beside it, losslessly', () => {
    const state = evolveCustomerSegments(null, envelope('crm.order.completed', { orderId: 'o', totalMinor: 100, currency: 'EUR' }), context);
    const stored = toStored(state, { changeSeq: 3 });
    expect(Object.keys(stored).sort()).toEqual(['changeSeq', 'reevaluateAt', 'segments', 'state']);
    expect(stored.segments).toEqual(['buyers']);
    expect(fromStored(stored)).toEqual(state);
    const erased = evolveCustomerSegments(state, envelope('crm.customer.erased', {}), context);
    expect(fromStored(toStored(erased))).toEqual(erased);
    const merged = evolveCustomerSegments(state, envelope('crm.customer.merged', { survivorId: 'c9' }), context);
    expect(toStored(merged)).toMatchObject({ mergedInto: 'c9', segments: [] });
    expect(fromStored(toStored(merged))).toEqual(merged);
  });

  it('reads documents of schema version 1 (facts at the top level) as facts without history', () => {
    const v1 = { customerId: 'c1', country: 'DE', orders: 2, spendMinor: 500, spendCurrency: 'EUR', registeredAt: '2026-01-01T00:00:00.000Z', lastOrderAt: '2026-02-01T00:00:00.000Z', segments: ['repeat-buyers'] };
    expect(fromStored(v1 as unknown as StoredCustomerSegments)).toEqual({
      customerId: 'c1',
      facts: { orders: 2, spendMinor: 500, activity: {}, country: 'DE', spendCurrency: 'EUR', registeredAt: Date.parse('2026-01-01T00:00:00.000Z'), lastOrderAt: Date.parse('2026-02-01T00:00:00.000Z') },
      segments: ['repeat-buyers'],
      asOf: Date.parse('2026-02-01T00:00:00.000Z'),
      reevaluateAt: null,
    });
  });
});

describe('membership events', () => {
  const change = { kind: 'entered' as const, customerId: 'c1', segmentId: 'buyers', segmentName: 'Buyers', segmentVersion: 2, reason: 'orders is 1 (needs ≥ 1)', at: Date.parse('2026-03-01T10:00:00.000Z') };

  it('go to the customer’s segment-membership stream with the contract’s data', () => {
    const derived = membershipEvent(change, { idParts: ['e-1'], causationId: 'e-1', correlationId: 'corr' });
    expect(derived).toEqual({
      streamId: 'segment-membership-c1',
      envelope: {
        id: expect.stringMatching(/^[0-9a-f-]{36}$/),
        type: 'crm.segment.entered',
        schemaVersion: 1,
        source: 'segmentation',
        subject: 'c1',
        time: '2026-03-01T10:00:00.000Z',
        data: { segmentId: 'buyers', segmentName: 'Buyers', segmentVersion: 2, reason: 'orders is 1 (needs ≥ 1)', at: '2026-03-01T10:00:00.000Z' },
        correlationId: 'corr',
        causationId: 'e-1',
      },
    });
  });

  it('are named by their cause and the change: the same again gets the same id, another change another', () => {
    const id = (c: typeof change, parts: string[]) => membershipEvent(c, { idParts: parts }).envelope.id;
    expect(id(change, ['e-1'])).toBe(id(change, ['e-1']));
    expect(id(change, ['e-1'])).not.toBe(id(change, ['e-2']));
    expect(id(change, ['e-1'])).not.toBe(id({ ...change, kind: 'exited' } as never, ['e-1']));
    expect(id(change, ['e-1'])).not.toBe(id({ ...change, segmentId: 'other' }, ['e-1']));
    expect(id(change, ['seq', '1'])).not.toBe(id(change, ['seq', '2']));
  });
});
