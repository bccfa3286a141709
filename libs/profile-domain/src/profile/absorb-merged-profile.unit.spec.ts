import type { EventEnvelope } from '@crm/contracts';
import { day, eventFactory } from '../testing/profile-events';
import { absorbMergedProfile } from './absorb-merged-profile';
import type { CustomerProfile } from './customer-profile';
import { evolveProfile } from './evolve-profile';
import { reviewProfile } from './review-profile';

const fold = (events: readonly EventEnvelope[]): CustomerProfile => events.reduce<CustomerProfile | null>((p, e) => evolveProfile(p, e), null) as CustomerProfile;

const ex = eventFactory('x');
const ey = eventFactory('y');
const x = fold([
  ex('crm.customer.registered', { email: 'x@x.io', firstName: 'Xa' }, day(10)),
  ex('crm.consent.granted', { channel: 'email', purpose: 'marketing' }, day(10)),
  ex('crm.order.completed', { orderId: 'o1', totalMinor: 1000, currency: 'EUR' }, day(11)),
  ex('crm.order.refunded', { orderId: 'o-y2', amountMinor: 500, currency: 'EUR' }, day(12)), // refunds an order placed as y
  ex('crm.identity.linked', { kind: 'email', value: 'y@x.io' }, day(13)),
]);
const y = fold([
  ey('crm.customer.registered', { email: 'y@x.io', country: 'NL', lastName: 'Why' }, day(1)),
  ey('crm.consent.withdrawn', { channel: 'email', purpose: 'marketing' }, day(12)),
  ey('crm.order.completed', { orderId: 'o-y1', totalMinor: 500, currency: 'EUR' }, day(2)),
  ey('crm.order.completed', { orderId: 'o-y2', totalMinor: 500, currency: 'EUR' }, day(3)),
  ey('crm.order.completed', { orderId: 'o-y3', totalMinor: 70, currency: 'USD' }, day(4)),
  ey('crm.ticket.opened', { ticketId: 't1', channel: 'web', subject: 's', priority: 'low' }, day(5)),
  ey('crm.customer.merged', { survivorId: 'x', mergedId: 'y', reason: 'identity', identity: { kind: 'email', value: 'y@x.io' } }, day(13)),
]);

describe('absorbMergedProfile', () => {
  const combined = absorbMergedProfile(x, y, 'x');

  it('adds up counts and money without double counting, the survivor winning on details', () => {
    expect(combined).toMatchObject({
      customerId: 'x',
      email: 'x@x.io',
      firstName: 'Xa',
      lastName: 'Why',
      country: 'NL',
      orders: 4,
      revenueMinorByCurrency: { EUR: 2000, USD: 70 },
      refunds: 1,
      fullyRefundedOrders: 1, // o-y2: completed as y, refunded as x
      openTickets: 1,
      firstSeenAt: day(1),
      lastSeenAt: day(13),
      registeredAt: day(1),
      eventCount: x.eventCount, // the events applied to this document
      mergedFrom: ['y'],
    });
    expect(combined.revenue.find((r) => r.currency === 'EUR')).toEqual({ currency: 'EUR', orders: 3, grossMinor: 2000, refundedMinor: 500, netMinor: 1500, averageOrderValueMinor: 667 });
    expect(combined.identifiers.map((i) => i.value)).toEqual(['x@x.io', 'y@x.io']);
    expect(combined.consents.email?.marketing).toEqual({ granted: false, at: day(12) }); // the latest statement
    expect(combined.mergedInto).toBeUndefined();
  });

  it('schedules a review at the merge, which records the stage of the combined facts', () => {
    expect(combined.lifecycleStage).toBe('first-time-customer');
    expect(combined.lifecycle.nextReviewAt).toBe(day(13));
    const reviewed = reviewProfile(combined, day(14));
    expect(reviewed.lifecycleStage).toBe('repeat-customer'); // 3 kept orders: o1, o-y1, o-y3
    expect(reviewed.lifecycle.history.at(-1)).toMatchObject({ from: 'first-time-customer', to: 'repeat-customer', at: day(13), cause: 'time' });
  });

  it('builds the survivor from the merged profile when the survivor has no events yet', () => {
    const alone = absorbMergedProfile(null, y, 'x');
    expect(alone).toMatchObject({ customerId: 'x', email: 'y@x.io', orders: 3, lifecycleStage: null, mergedFrom: ['y'] });
    expect(reviewProfile(alone, day(14)).lifecycle.history).toEqual([
      { n: 1, from: null, to: 'repeat-customer', reason: '3 completed orders', reactivation: false, at: day(13), cause: 'time' },
    ]);
  });

  it('gives an erased survivor no personal data from the merged profile', () => {
    const erased = evolveProfile(x, ex('crm.customer.erased', {}, day(13)));
    const c = absorbMergedProfile(erased, y, 'x');
    for (const field of ['email', 'firstName', 'lastName']) expect(Object.keys(c)).not.toContain(field);
    expect(c).toMatchObject({ identifiers: [], consents: {}, preferences: {}, country: 'NL', orders: 4 });
  });

  it('follows chains: what was merged into the merged customer comes along', () => {
    const chained = absorbMergedProfile(x, { ...y, mergedFrom: ['z'] }, 'x');
    expect(chained.mergedFrom).toEqual(['y', 'z']);
  });
});
