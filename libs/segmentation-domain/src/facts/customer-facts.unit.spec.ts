import { day, emailOpened, event, order, registered } from '../testing/event-fixtures';
import { ACTIVITY_KEEP, DAY_MS, MAX_WINDOW_DAYS } from './behaviour-events';
import { ageAt, birthdayAt, combineCustomerFacts, evolveCustomerFacts, NO_FACTS, type CustomerFacts } from './customer-facts';

const fold = (events: ReturnType<typeof event>[]): CustomerFacts =>
  events.reduce((facts, e) => evolveCustomerFacts(facts, e, Date.parse(e.time)), NO_FACTS);

describe('customer facts', () => {
  it('folds profile, consent, orders, refunds, loyalty and lifecycle events', () => {
    const facts = fold([
      registered(day(0), { country: 'DE', birthDate: '1990-06-15', acquisitionChannel: 'web' }),
      event('crm.profile.updated', { preferences: { newsletter: 'weekly' } }, day(1)),
      event('crm.profile.updated', { country: 'AT', preferences: { channel: 'sms' } }, day(2)),
      event('crm.consent.granted', { channel: 'email', purpose: 'marketing' }, day(3)),
      event('crm.consent.granted', { channel: 'sms', purpose: 'service' }, day(3)),
      event('crm.consent.withdrawn', { channel: 'sms', purpose: 'service' }, day(4)),
      order(day(5), 30_000),
      order(day(6), 5_000, 'SEK'),
      event('crm.order.refunded', { orderId: 'o', amountMinor: 10_000, currency: 'EUR' }, day(7)),
      event('crm.loyalty.points-earned', { points: 300, balance: 300, lifetimeEarned: 300 }, day(5)),
      event('crm.loyalty.tier-upgraded', { from: 'bronze', to: 'silver', reason: 'x' }, day(8)),
      event('crm.lifecycle.stage-changed', { from: 'prospect', to: 'repeat-customer', reason: 'x', reactivation: false, at: 'x' }, day(6)),
    ]);
    expect(facts).toMatchObject({
      country: 'AT',
      birthDate: '1990-06-15',
      acquisitionChannel: 'web',
      preferences: { channel: 'sms', newsletter: 'weekly' },
      consents: ['email:marketing'],
      orders: 2,
      spendMinor: 20_000, // 30,000 EUR less a 10,000 EUR refund; SEK is not added to EUR
      spendCurrency: 'EUR',
      registeredAt: day(0),
      firstOrderAt: day(5),
      lastOrderAt: day(6),
      loyaltyBalance: 300,
      loyaltyTier: 'silver',
      lifecycleStage: 'repeat-customer',
    });
    expect(facts.activity['crm.order.completed']).toEqual([day(5), day(6)]);
  });

  it('keeps touchpoints per action as well as in total, in time order even when events arrive late', () => {
    const facts = fold([emailOpened(day(10)), event('crm.touchpoint.recorded', { channel: 'web', action: 'page_viewed' }, day(5)), emailOpened(day(3))]);
    expect(facts.activity['crm.touchpoint.recorded']).toEqual([day(3), day(5), day(10)]);
    expect(facts.activity['crm.touchpoint.recorded#email_opened']).toEqual([day(3), day(10)]);
    expect(facts.activity['crm.touchpoint.recorded#page_viewed']).toEqual([day(5)]);
  });

  it(`keeps at most ${ACTIVITY_KEEP} times per kind and none older than ${MAX_WINDOW_DAYS} days`, () => {
    let facts = fold(Array.from({ length: 60 }, (_, i) => order(day(i))));
    expect(facts.activity['crm.order.completed']).toHaveLength(ACTIVITY_KEEP);
    expect(facts.activity['crm.order.completed'][0]).toBe(day(10));
    expect(facts.orders).toBe(60);
    const later = day(59) + (MAX_WINDOW_DAYS + 20) * DAY_MS;
    facts = evolveCustomerFacts(facts, emailOpened(later), later);
    expect(facts.activity['crm.order.completed']).toBeUndefined();
    expect(facts.activity['crm.touchpoint.recorded#email_opened']).toEqual([later]);
  });

  it('combines two customers into one: survivor values first, sums in one currency, histories interleaved', () => {
    const survivor = fold([registered(day(10), { country: 'SE' }), order(day(11), 1_000), emailOpened(day(12))]);
    const merged = fold([
      registered(day(1), { country: 'DE', birthDate: '1980-01-01' }),
      order(day(2), 2_000),
      order(day(3), 9_999, 'USD'),
      event('crm.consent.granted', { channel: 'email', purpose: 'marketing' }, day(3)),
    ]);
    const combined = combineCustomerFacts(survivor, merged);
    expect(combined).toMatchObject({
      country: 'SE',
      birthDate: '1980-01-01',
      orders: 3,
      spendMinor: 3_000,
      spendCurrency: 'EUR',
      registeredAt: day(1),
      firstOrderAt: day(2),
      lastOrderAt: day(11),
      consents: ['email:marketing'],
    });
    expect(combined.activity['crm.order.completed']).toEqual([day(2), day(3), day(11)]);
    expect(combined.activity['crm.touchpoint.recorded#email_opened']).toEqual([day(12)]);
  });

  it('computes age in whole years in UTC, and the birthday that changes it', () => {
    expect(ageAt('1990-06-15', Date.UTC(2026, 5, 14, 23, 59))).toBe(35);
    expect(ageAt('1990-06-15', Date.UTC(2026, 5, 15))).toBe(36);
    expect(ageAt('not a date', 0)).toBeUndefined();
    expect(birthdayAt('1990-06-15', 40)).toBe(Date.UTC(2030, 5, 15));
    expect(birthdayAt('2000-02-29', 1)).toBe(Date.UTC(2001, 2, 1));
  });
});
