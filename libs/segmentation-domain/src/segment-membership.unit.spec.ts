import type { EventEnvelope } from '@crm/contracts';
import { absorbCustomerSegments, evolveCustomerSegments } from './segment-membership';
import { BUILT_IN_SEGMENTS, matchesSegment } from './segment-rules';

const ev = (type: string, data: Record<string, unknown>): EventEnvelope => ({
  id: 'x', type, schemaVersion: 1, source: 't', subject: 'c1', time: '2026-01-01T00:00:00.000Z', data,
});

describe('segment membership', () => {
  it('moves a customer from prospect to repeat buyer to high value', () => {
    const evolve = (s: Parameters<typeof evolveCustomerSegments>[0], e: EventEnvelope) => evolveCustomerSegments(s, e, BUILT_IN_SEGMENTS);
    let s = evolve(null, ev('crm.customer.registered', { email: 'a@b.co', country: 'DE' }));
    expect(s.segments).toEqual(['prospects']);
    s = evolve(s, ev('crm.order.completed', { orderId: '1', totalMinor: 30_000, currency: 'EUR' }));
    expect(s.segments).toEqual([]);
    s = evolve(s, ev('crm.order.completed', { orderId: '2', totalMinor: 20_000, currency: 'EUR' }));
    expect(s.segments).toEqual(['repeat-buyers', 'high-value']);
  });

  it('does not add spend in another currency to the spend figure', () => {
    let s = evolveCustomerSegments(null, ev('crm.order.completed', { orderId: '1', totalMinor: 100, currency: 'EUR' }), BUILT_IN_SEGMENTS);
    s = evolveCustomerSegments(s, ev('crm.order.completed', { orderId: '2', totalMinor: 900_000, currency: 'JPY' }), BUILT_IN_SEGMENTS);
    expect(s.spendMinor).toBe(100);
  });

  it('treats a missing field as not matching, except for neq', () => {
    expect(matchesSegment({ customerId: 'c', orders: 0, spendMinor: 0 }, { id: 'de', name: 'de', all: [{ field: 'country', op: 'eq', value: 'DE' }] })).toBe(false);
    expect(matchesSegment({ customerId: 'c', orders: 0, spendMinor: 0 }, { id: 'x', name: 'x', all: [{ field: 'country', op: 'neq', value: 'DE' }] })).toBe(true);
  });
});

describe('segment membership across a merge', () => {
  const evolve = (s: Parameters<typeof evolveCustomerSegments>[0], e: EventEnvelope) => evolveCustomerSegments(s, e, BUILT_IN_SEGMENTS);
  const on = (subject: string, type: string, data: Record<string, unknown>): EventEnvelope => ({ ...ev(type, data), subject });

  it('drops the merged customer from every segment and judges the survivor on the combined facts', () => {
    let y = evolve(null, on('y', 'crm.order.completed', { orderId: '1', totalMinor: 30_000, currency: 'EUR' }));
    y = evolve(y, on('y', 'crm.customer.merged', { survivorId: 'x', mergedId: 'y', reason: 'identity', identity: { kind: 'email', value: 'a@b.co' } }));
    expect(y).toMatchObject({ mergedInto: 'x', segments: [], orders: 1 });
    const x = evolve(null, on('x', 'crm.order.completed', { orderId: '2', totalMinor: 25_000, currency: 'EUR' }));
    expect(x.segments).toEqual([]);
    const combined = absorbCustomerSegments(x, y, 'x', BUILT_IN_SEGMENTS);
    expect(combined).toMatchObject({ customerId: 'x', orders: 2, spendMinor: 55_000, segments: ['repeat-buyers', 'high-value'] });
    expect(combined.mergedInto).toBeUndefined();
  });

  it('creates the survivor from the merged facts when the survivor has no events yet here', () => {
    const y = evolve(null, on('y', 'crm.customer.registered', { email: 'a@b.co', country: 'SE' }));
    expect(absorbCustomerSegments(null, y, 'x', BUILT_IN_SEGMENTS)).toMatchObject({ customerId: 'x', country: 'SE', segments: ['prospects'] });
  });
});
