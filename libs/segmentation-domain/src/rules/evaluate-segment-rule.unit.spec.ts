import fc from 'fast-check';
import { evolveCustomerFacts, NO_FACTS, type CustomerFacts } from '../facts/customer-facts';
import { computeRfmThresholds } from '../rfm/rfm-scores';
import { day, emailOpened, event, order, registered } from '../testing/event-fixtures';
import { decisiveReasons, explainRule, matchesRule, reasonOf, type EvaluationContext } from './evaluate-segment-rule';
import { parseSegmentRule } from './parse-segment-rule';
import type { SegmentRule } from './segment-rule';

const fold = (events: ReturnType<typeof event>[]): CustomerFacts =>
  events.reduce((facts, e) => evolveCustomerFacts(facts, e, Date.parse(e.time)), NO_FACTS);
const at = (now: number): EvaluationContext => ({ now, rfm: null });
const rule = (input: unknown): SegmentRule => {
  const parsed = parseSegmentRule(input);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.value;
};

const ana = fold([
  registered(day(0), { country: 'DE', birthDate: '1990-06-15' }),
  event('crm.profile.updated', { preferences: { newsletter: 'weekly' } }, day(1)),
  order(day(10), 30_000),
  order(day(40), 25_000),
  emailOpened(day(95)),
  event('crm.consent.granted', { channel: 'email', purpose: 'marketing' }, day(2)),
]);

describe('field conditions', () => {
  it.each([
    [{ field: 'country', eq: 'DE' }, true],
    [{ field: 'country', in: ['AT', 'CH'] }, false],
    [{ field: 'country', nin: ['AT', 'CH'] }, true],
    [{ field: 'orders', gte: 2, lt: 3 }, true],
    [{ field: 'spendMinor', gt: 55_000 }, false],
    [{ field: 'age', gte: 35 }, true], // 35 on day 100 of 2026
    [{ field: 'age', gte: 36 }, false],
    [{ field: 'preferences.newsletter', eq: 'weekly' }, true],
    [{ field: 'city', exists: true }, false],
  ])('%j → %s', (condition, expected) => {
    expect(matchesRule(rule(condition), ana, at(day(100)))).toBe(expected);
  });

  it('treats an unknown value as matching only neq, nin and exists: false', () => {
    const unknown = NO_FACTS;
    expect(matchesRule(rule({ field: 'country', eq: 'DE' }), unknown, at(0))).toBe(false);
    expect(matchesRule(rule({ field: 'country', neq: 'DE' }), unknown, at(0))).toBe(true);
    expect(matchesRule(rule({ field: 'country', nin: ['DE'] }), unknown, at(0))).toBe(true);
    expect(matchesRule(rule({ field: 'loyaltyBalance', lt: 100 }), unknown, at(0))).toBe(false);
    expect(matchesRule(rule({ field: 'loyaltyBalance', exists: false }), unknown, at(0))).toBe(true);
  });
});

describe('behavioural conditions over time windows', () => {
  const twoOrdersIn90Days = rule({ event: 'crm.order.completed', withinDays: 90, count: { gte: 2 } });
  const openedEmailIn30Days = rule({ event: 'crm.touchpoint.recorded', action: 'email_opened', withinDays: 30 });
  const noPurchaseFor120Days = rule({ event: 'crm.order.completed', withinDays: 120, count: { eq: 0 } });

  it('"≥ 2 orders in the last 90 days" holds while both orders are inside the window', () => {
    expect(matchesRule(twoOrdersIn90Days, ana, at(day(100)))).toBe(true); // day 10 is 90 days before day 100
    expect(matchesRule(twoOrdersIn90Days, ana, at(day(100) + 1))).toBe(false);
  });

  it('"opened an email in the last 30 days"', () => {
    expect(matchesRule(openedEmailIn30Days, ana, at(day(125)))).toBe(true);
    expect(matchesRule(openedEmailIn30Days, ana, at(day(126)))).toBe(false);
  });

  it('"no purchase for 120 days"', () => {
    expect(matchesRule(noPurchaseFor120Days, ana, at(day(160)))).toBe(false);
    expect(matchesRule(noPurchaseFor120Days, ana, at(day(161)))).toBe(true);
  });
});

describe('RFM and consent conditions', () => {
  it('reads quintile scores from thresholds over the base, and fails without them', () => {
    const base = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((n) => ({ orders: n, spendMinor: n * 1_000, spendCurrency: 'EUR', lastOrderAt: day(n) }));
    const rfm = computeRfmThresholds(base, day(20));
    const best = base[9];
    const c = rule({ all: [{ rfm: 'recency', eq: 5 }, { rfm: 'frequency', gte: 5 }, { rfm: 'monetary', in: [5] }] });
    expect(matchesRule(c, { ...NO_FACTS, ...best }, { now: day(20), rfm })).toBe(true);
    expect(matchesRule(c, { ...NO_FACTS, ...base[7] }, { now: day(20), rfm })).toBe(false);
    expect(explainRule(rule({ rfm: 'recency', gte: 1 }), { ...NO_FACTS, ...best }, at(day(20)))).toMatchObject({
      holds: false,
      text: 'RFM scores are not computed yet (needs recency ≥ 1)',
    });
    expect(explainRule(rule({ rfm: 'recency', gte: 1 }), NO_FACTS, { now: day(20), rfm })).toMatchObject({
      holds: false,
      text: 'no RFM score without a completed order (needs recency ≥ 1)',
    });
  });

  it('holds consent per channel and purpose', () => {
    expect(matchesRule(rule({ consent: { channel: 'email', purpose: 'marketing' } }), ana, at(0))).toBe(true);
    expect(matchesRule(rule({ consent: { channel: 'sms', purpose: 'marketing' } }), ana, at(0))).toBe(false);
  });
});

describe('explanations', () => {
  const vip = rule({
    all: [
      { field: 'country', in: ['DE', 'AT'] },
      { any: [{ field: 'spendMinor', gte: 100_000 }, { event: 'crm.order.completed', withinDays: 90, count: { gte: 2 } }] },
      { not: { event: 'crm.touchpoint.recorded', action: 'email_opened', withinDays: 7 } },
    ],
  });

  it('explains every node with the value found and what was needed', () => {
    expect(explainRule(vip, ana, at(day(60)))).toEqual({
      kind: 'all',
      holds: true,
      text: 'all 3 conditions hold',
      children: [
        { kind: 'field', holds: true, text: 'country is DE (needs one of DE, AT)', actual: 'DE' },
        {
          kind: 'any',
          holds: true,
          text: '1 of 2 alternatives hold',
          children: [
            { kind: 'field', holds: false, text: 'spendMinor is 55000 (needs ≥ 100000)', actual: 55_000 },
            { kind: 'event', holds: true, text: '2 × crm.order.completed in the last 90 days (needs ≥ 2)', actual: 2 },
          ],
        },
        {
          kind: 'not',
          holds: true,
          text: 'the negated condition does not hold',
          children: [{ kind: 'event', holds: false, text: '0 × crm.touchpoint.recorded (email_opened) in the last 7 days (needs ≥ 1)', actual: 0 }],
        },
      ],
    });
  });

  it('gives as reason the conditions that hold for a member and those that fail for a non-member', () => {
    expect(decisiveReasons(explainRule(vip, ana, at(day(60))))).toEqual([
      'country is DE (needs one of DE, AT)',
      '2 × crm.order.completed in the last 90 days (needs ≥ 2)',
      '0 × crm.touchpoint.recorded (email_opened) in the last 7 days (needs ≥ 1)',
    ]);
    expect(reasonOf(explainRule(vip, ana, at(day(96))))).toBe('1 × crm.touchpoint.recorded (email_opened) in the last 7 days (needs ≥ 1)');
    expect(reasonOf(explainRule(vip, ana, at(day(131))))).toBe(
      'spendMinor is 55000 (needs ≥ 100000); 0 × crm.order.completed in the last 90 days (needs ≥ 2)',
    );
  });
});

describe('matchesRule agrees with explainRule', () => {
  const leaf = fc.oneof(
    fc.record({ field: fc.constantFrom('orders', 'spendMinor', 'age', 'loyaltyBalance'), gte: fc.integer({ min: 0, max: 60_000 }) }),
    fc.record({ field: fc.constantFrom('country'), in: fc.subarray(['DE', 'AT', 'SE'], { minLength: 1 }) }),
    fc.record({ event: fc.constantFrom('crm.order.completed', 'crm.customer.registered'), withinDays: fc.integer({ min: 1, max: 730 }), count: fc.record({ gte: fc.integer({ min: 0, max: 3 }) }) }),
    fc.record({ consent: fc.record({ channel: fc.constantFrom('email', 'sms'), purpose: fc.constantFrom('marketing') }) }),
  );
  const tree = fc.letrec<{ node: unknown }>((tie) => ({
    node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, fc.record({ all: fc.array(tie('node'), { minLength: 1, maxLength: 3 }) }), fc.record({ any: fc.array(tie('node'), { minLength: 1, maxLength: 3 }) }), fc.record({ not: tie('node') })),
  })).node;

  it('for random rules, customers and times', () => {
    fc.assert(
      fc.property(tree, fc.integer({ min: 0, max: 400 }), (input, n) => {
        const r = rule(input);
        expect(matchesRule(r, ana, at(day(n)))).toBe(explainRule(r, ana, at(day(n))).holds);
      }),
      { numRuns: 300 },
    );
  });
});
