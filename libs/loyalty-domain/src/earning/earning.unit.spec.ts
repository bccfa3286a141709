import { LOYALTY_POINTS_EARNED, LOYALTY_TIER_UPGRADED } from '@crm/contracts';
import { AccountUnderTest, points } from '../testing/account-test-kit';
import { DEFAULT_PROGRAM, tierOf, type LoyaltyProgram } from '../program/loyalty-program';
import { pointsForOrder, campaignMultiplier } from './order-points';
import { awardForRule, matchingRules } from './event-rules';

const AT = '2026-03-01T10:00:00.000Z';
const bronze = tierOf(DEFAULT_PROGRAM, 'bronze');
const program = (changes: Partial<LoyaltyProgram['earning']>, rest: Partial<LoyaltyProgram> = {}): LoyaltyProgram => ({
  ...DEFAULT_PROGRAM,
  ...rest,
  earning: { ...DEFAULT_PROGRAM.earning, ...changes },
});
const order = (sourceEventId: string, orderId: string, totalMinor: number, at = AT, extra: object = {}) =>
  ({ type: 'EarnForOrder', sourceEventId, orderId, totalMinor, currency: 'EUR', at, ...extra }) as const;

describe('points for an order', () => {
  it('earns the currency rate per whole unit, rounding down', () => {
    expect(pointsForOrder(DEFAULT_PROGRAM, { totalMinor: 1999, currency: 'EUR', at: AT }, bronze).points).toBe(19);
    expect(pointsForOrder(DEFAULT_PROGRAM, { totalMinor: 99, currency: 'EUR', at: AT }, bronze).points).toBe(0);
  });

  it('uses each currency’s own rate and minor units, and the rate for other currencies (or none)', () => {
    const p = program({ currencies: [{ currency: 'JPY', pointsPerUnit: 0.01, minorUnitsPerUnit: 1 }, { currency: 'EUR', pointsPerUnit: 2, minorUnitsPerUnit: 100 }], otherCurrencies: null });
    expect(pointsForOrder(p, { totalMinor: 12_345, currency: 'JPY', at: AT }, bronze).points).toBe(123);
    expect(pointsForOrder(p, { totalMinor: 1_000, currency: 'EUR', at: AT }, bronze).points).toBe(20);
    expect(pointsForOrder(p, { totalMinor: 1_000, currency: 'CHF', at: AT }, bronze).points).toBe(0);
    const q = program({ otherCurrencies: { pointsPerUnit: 3, minorUnitsPerUnit: 100 } });
    expect(pointsForOrder(q, { totalMinor: 1_000, currency: 'CHF', at: AT }, bronze).points).toBe(30);
  });

  it('weights lines in a multiplied category by their share of the total (discounts spread over lines)', () => {
    const p = program({ categoryMultipliers: [{ category: 'beauty', multiplier: 3 }] });
    // Lines 60 + 40 = 100 €, but the order total is 80 € after a discount: shares 48 € and 32 €.
    const items = [{ quantity: 2, unitPriceMinor: 3_000, category: 'beauty' }, { quantity: 1, unitPriceMinor: 4_000, category: 'books' }];
    const result = pointsForOrder(p, { totalMinor: 8_000, currency: 'EUR', items, at: AT }, bronze);
    expect(result.points).toBe(48 * 3 + 32);
    expect(result.breakdown).toMatchObject({ basePoints: 80, categoryPoints: 176, tierMultiplier: 1, campaignMultiplier: 1 });
  });

  it('applies the tier multiplier and the best active campaign, which do not stack with each other', () => {
    const p = program({
      campaigns: [
        { id: 'spring', multiplier: 2, from: '2026-03-01T00:00:00.000Z', to: '2026-04-01T00:00:00.000Z', appliesTo: ['order'] },
        { id: 'weekend', multiplier: 3, from: '2026-03-01T00:00:00.000Z', to: '2026-03-02T00:00:00.000Z', appliesTo: ['order'] },
        { id: 'reviews', multiplier: 5, from: '2026-01-01T00:00:00.000Z', to: '2027-01-01T00:00:00.000Z', appliesTo: ['review'] },
      ],
    });
    const gold = tierOf(p, 'gold');
    const result = pointsForOrder(p, { totalMinor: 10_000, currency: 'EUR', at: AT }, gold);
    expect(result.points).toBe(100 * 1.5 * 3);
    expect(result.breakdown).toMatchObject({ tierMultiplier: 1.5, campaignMultiplier: 3, campaignId: 'weekend' });
    // `to` is exclusive: at midnight only the spring campaign is on.
    expect(campaignMultiplier(p, 'order', '2026-03-02T00:00:00.000Z')).toMatchObject({ multiplier: 2 });
    expect(campaignMultiplier(p, 'order', '2026-04-01T00:00:00.000Z')).toEqual({ multiplier: 1 });
  });

  it('caps the points of one order after every multiplier, and says what they would have been', () => {
    const p = program({ maxPointsPerOrder: 500 });
    const result = pointsForOrder(p, { totalMinor: 100_000, currency: 'EUR', at: AT }, tierOf(p, 'silver'));
    expect(result.points).toBe(500);
    expect(result.breakdown.cappedFrom).toBe(1250);
  });

  it('does not lose a point to floating-point representation', () => {
    const p = program({ currencies: [{ currency: 'EUR', pointsPerUnit: 1.1, minorUnitsPerUnit: 100 }] });
    expect(pointsForOrder(p, { totalMinor: 10_000, currency: 'EUR', at: AT }, bronze).points).toBe(110);
    const q = program({ currencies: [{ currency: 'EUR', pointsPerUnit: 0.29, minorUnitsPerUnit: 100 }] });
    expect(pointsForOrder(q, { totalMinor: 10_000, currency: 'EUR', at: AT }, bronze).points).toBe(29);
  });
});

describe('earning for a completed order', () => {
  it('earns once per order with balances and a FIFO expiry date, whatever is redelivered', () => {
    const account = new AccountUnderTest();
    const events = account.given(order('e-1', 'o-1', 12_345));
    expect(events).toEqual([
      {
        type: LOYALTY_POINTS_EARNED,
        data: expect.objectContaining({
          points: 123, rule: 'order', sourceEventId: 'e-1', orderId: 'o-1', spendMinor: 12_345, currency: 'EUR',
          earnedAt: AT, expiresAt: '2027-03-01T10:00:00.000Z', balance: 123, lifetimeEarned: 123,
        }),
      },
    ]);
    expect(account.given(order('e-1', 'o-1', 12_345))).toEqual([]); // redelivered event
    expect(account.given(order('e-2', 'o-1', 12_345))).toEqual([]); // the same order completed twice
    expect(account.state.balance).toBe(123);
  });

  it('upgrades the tier in the same decision when the earning crosses a threshold, and earns at the new multiplier afterwards', () => {
    const account = new AccountUnderTest();
    const events = account.given(order('e-1', 'o-1', 100_000));
    expect(events.map((e) => e.type)).toEqual([LOYALTY_POINTS_EARNED, LOYALTY_TIER_UPGRADED]);
    expect(events[1].data).toMatchObject({ from: null, to: 'silver', qualifying: 1000 });
    expect(points(account.given(order('e-2', 'o-2', 10_000)))).toEqual([125]);
  });

  it('earns nothing (and stores nothing) for an order below one point', () => {
    const account = new AccountUnderTest();
    expect(account.given(order('e-1', 'o-1', 99))).toEqual([]);
  });
});

describe('earning for other customer events', () => {
  const review = (id: string, at: string, kind = 'free_text') => ({ type: 'EarnForCustomerEvent', sourceEventId: id, eventType: 'crm.survey.answered', data: { surveyId: 's', kind, comment: 'great' }, at }) as const;

  it('matches rules by event type and data fields (dotted paths)', () => {
    expect(matchingRules(DEFAULT_PROGRAM, 'crm.survey.answered', { kind: 'free_text' }).map((r) => r.id)).toEqual(['review']);
    expect(matchingRules(DEFAULT_PROGRAM, 'crm.survey.answered', { kind: 'nps', score: 9 })).toEqual([]);
    expect(matchingRules(DEFAULT_PROGRAM, 'crm.touchpoint.recorded', { action: 'form_submitted', metadata: { form: 'referral' } }).map((r) => r.id)).toEqual(['referral']);
    expect(matchingRules(DEFAULT_PROGRAM, 'crm.touchpoint.recorded', { action: 'form_submitted', metadata: { form: 'contact' } })).toEqual([]);
  });

  it('caps awards per rolling window: the sixth review in 30 days earns nothing, a review after the window earns again', () => {
    const account = new AccountUnderTest();
    const days = [1, 2, 3, 4, 5, 6].map((d) => `2026-03-0${d}T10:00:00.000Z`);
    const earned = days.map((at, i) => points(account.given(review(`r-${i}`, at))));
    expect(earned).toEqual([[50], [50], [50], [50], [50], []]);
    expect(points(account.given(review('r-late', '2026-03-31T10:00:01.000Z')))).toEqual([50]);
    expect(account.given(review('r-late', '2026-03-31T10:00:01.000Z'))).toEqual([]); // redelivered
  });

  it('caps points per window, awarding what is left', () => {
    const rule = { ...DEFAULT_PROGRAM.earning.eventRules[1], cap: { maxAwards: null, maxPoints: 120, windowDays: 7 } };
    const p = program({ eventRules: [rule] });
    const account = new AccountUnderTest(p);
    expect(points(account.given(review('a', '2026-03-01T00:00:00.000Z'), review('b', '2026-03-02T00:00:00.000Z'), review('c', '2026-03-03T00:00:00.000Z')))).toEqual([50, 50, 20]);
    expect(awardForRule(rule, p, account.state.lots, '2026-03-04T00:00:00.000Z')).toMatchObject({ points: 0, cappedFrom: 50 });
  });

  it('awards a lifetime-capped rule once (sign-up bonus)', () => {
    const account = new AccountUnderTest();
    const signUp = (id: string) => ({ type: 'EarnForCustomerEvent', sourceEventId: id, eventType: 'crm.customer.registered', data: { email: 'a@b.co' }, at: AT }) as const;
    expect(points(account.given(signUp('s-1')))).toEqual([100]);
    expect(account.given(signUp('s-2'))).toEqual([]);
  });

  it('multiplies a rule by a campaign aimed at it', () => {
    const p = program({ campaigns: [{ id: 'review-week', multiplier: 2, from: '2026-03-01T00:00:00.000Z', to: '2026-03-08T00:00:00.000Z', appliesTo: ['review'] }] });
    const account = new AccountUnderTest(p);
    const [earned] = account.given(review('r', AT));
    expect(earned.data).toMatchObject({ points: 100, rule: 'review', breakdown: { campaignMultiplier: 2, campaignId: 'review-week' } });
  });
});
