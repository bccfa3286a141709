import type { EventEnvelope } from '@crm/contracts';
import { combineMergedProfiles, evolveProfile, type CustomerProfile } from './customer-profile';

let n = 0;
const ev = (type: string, data: Record<string, unknown>, time = '2026-01-01T10:00:00.000Z'): EventEnvelope => ({
  id: `e${n++}`, type, schemaVersion: 1, source: 'test', subject: 'c1', time, data,
});
const fold = (events: EventEnvelope[]) => events.reduce<CustomerProfile | null>(evolveProfile, null)!;

describe('evolveProfile', () => {
  it('builds identity from registration and merges partial updates', () => {
    const p = fold([
      ev('crm.customer.registered', { email: 'a@x.io', firstName: 'Ann', country: 'DE' }),
      ev('crm.profile.updated', { lastName: 'Lee', preferences: { newsletter: 'weekly' } }, '2026-01-02T00:00:00.000Z'),
      ev('crm.profile.updated', { country: 'FR', preferences: { sms: 'no' } }, '2026-01-03T00:00:00.000Z'),
    ]);
    expect(p).toMatchObject({ email: 'a@x.io', firstName: 'Ann', lastName: 'Lee', country: 'FR', eventCount: 3 });
    expect(p.preferences).toEqual({ newsletter: 'weekly', sms: 'no' });
    expect(p.lastSeenAt).toBe('2026-01-03T00:00:00.000Z');
    expect(Object.keys(p)).not.toContain('birthDate');
  });

  it('takes email and phone from contact (crm.profile.updated v2) and keeps absent ones', () => {
    const p = fold([
      ev('crm.customer.registered', { email: 'a@x.io', firstName: 'Ann' }),
      { ...ev('crm.profile.updated', { contact: { phone: '+49 30 1234567' } }, '2026-01-02T00:00:00.000Z'), schemaVersion: 2 },
      { ...ev('crm.profile.updated', { contact: { email: 'ann@y.io' }, firstName: 'Anna' }, '2026-01-03T00:00:00.000Z'), schemaVersion: 2 },
    ]);
    expect(p).toMatchObject({ email: 'ann@y.io', phone: '+49 30 1234567', firstName: 'Anna' });
    expect(Object.keys(p)).not.toContain('contact');
  });

  it('counts orders and revenue per currency and moves the lifecycle stage', () => {
    const p = fold([
      ev('crm.customer.registered', { email: 'a@x.io' }),
      ev('crm.order.completed', { orderId: 'o1', totalMinor: 1000, currency: 'EUR' }),
    ]);
    expect(p.lifecycleStage).toBe('first-time-customer');
    const q = [ev('crm.order.completed', { orderId: 'o2', totalMinor: 250, currency: 'EUR' }), ev('crm.order.completed', { orderId: 'o3', totalMinor: 99, currency: 'USD' })].reduce(evolveProfile, p);
    expect(q).toMatchObject({ orders: 3, revenueMinorByCurrency: { EUR: 1250, USD: 99 }, lifecycleStage: 'repeat-customer' });
  });

  it('keeps first and last seen right when events arrive with older timestamps', () => {
    const p = fold([
      ev('crm.customer.registered', { email: 'a@x.io' }, '2026-02-01T00:00:00.000Z'),
      ev('crm.order.completed', { orderId: 'o1', totalMinor: 1, currency: 'EUR' }, '2026-01-15T00:00:00.000Z'),
    ]);
    expect(p.firstSeenAt).toBe('2026-01-15T00:00:00.000Z');
    expect(p.lastSeenAt).toBe('2026-02-01T00:00:00.000Z');
  });
});

describe('merges', () => {
  const profileOf = (subject: string, events: EventEnvelope[]) =>
    events.map((e) => ({ ...e, subject })).reduce<CustomerProfile | null>(evolveProfile, null)!;
  const x = profileOf('x', [
    ev('crm.customer.registered', { email: 'x@x.io', firstName: 'Xa' }, '2026-02-01T00:00:00.000Z'),
    ev('crm.order.completed', { orderId: 'o1', totalMinor: 1000, currency: 'EUR' }, '2026-02-02T00:00:00.000Z'),
  ]);
  const y = profileOf('y', [
    ev('crm.customer.registered', { email: 'y@x.io', country: 'NL' }, '2026-01-01T00:00:00.000Z'),
    ev('crm.order.completed', { orderId: 'o2', totalMinor: 500, currency: 'EUR' }, '2026-01-05T00:00:00.000Z'),
    ev('crm.order.completed', { orderId: 'o3', totalMinor: 70, currency: 'USD' }, '2026-03-01T00:00:00.000Z'),
    ev('crm.customer.merged', { survivorId: 'x', mergedId: 'y', reason: 'identity', identity: { kind: 'email', value: 'y@x.io' } }, '2026-03-02T00:00:00.000Z'),
  ]);

  it('marks the merged profile with its survivor and keeps the rest', () => {
    expect(y).toMatchObject({ customerId: 'y', mergedInto: 'x', orders: 2, eventCount: 3, lastSeenAt: '2026-03-01T00:00:00.000Z' });
  });

  it('combines lifetime figures without double counting, the survivor winning on details', () => {
    const c = combineMergedProfiles(x, [y]);
    expect(c).toMatchObject({
      customerId: 'x',
      email: 'x@x.io',
      firstName: 'Xa',
      country: 'NL',
      orders: 3,
      revenueMinorByCurrency: { EUR: 1500, USD: 70 },
      lifecycleStage: 'repeat-customer',
      firstSeenAt: '2026-01-01T00:00:00.000Z',
      lastSeenAt: '2026-03-01T00:00:00.000Z',
      lastOrderAt: '2026-03-01T00:00:00.000Z',
      eventCount: 5,
      mergedFrom: ['y'],
    });
    expect(c.mergedInto).toBeUndefined();
    expect(combineMergedProfiles(x, [])).toBe(x);
    expect(combineMergedProfiles(x, [y])).toEqual(c);
  });
});
