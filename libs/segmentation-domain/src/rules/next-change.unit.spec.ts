import fc from 'fast-check';
import { evolveCustomerFacts, NO_FACTS, type CustomerFacts } from '../facts/customer-facts';
import { computeRfmThresholds } from '../rfm/rfm-scores';
import { DAY, day, emailOpened, event, order, registered } from '../testing/event-fixtures';
import { matchesRule } from './evaluate-segment-rule';
import { nextChangeAt } from './next-change';

const changeAt = (r: SegmentRule, f: CustomerFacts, now: number) => nextChangeAt(r, f, { now, rfm: null });
import { parseSegmentRule } from './parse-segment-rule';
import type { SegmentRule } from './segment-rule';

const fold = (events: ReturnType<typeof event>[]): CustomerFacts =>
  events.reduce((facts, e) => evolveCustomerFacts(facts, e, Date.parse(e.time)), NO_FACTS);
const rule = (input: unknown): SegmentRule => {
  const parsed = parseSegmentRule(input);
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  return parsed.value;
};
const holdsAt = (r: SegmentRule, facts: CustomerFacts, now: number) => matchesRule(r, facts, { now, rfm: null });

describe('nextChangeAt: when time alone can change a rule', () => {
  const facts = fold([registered(day(0), { birthDate: '2000-03-10' }), order(day(10)), order(day(40)), emailOpened(day(50))]);

  it('is the moment the event that flips a window count leaves the window', () => {
    const twoIn90 = rule({ event: 'crm.order.completed', withinDays: 90, count: { gte: 2 } });
    const at = changeAt(twoIn90, facts, day(60));
    expect(at).toBe(day(100) + 1);
    expect(holdsAt(twoIn90, facts, at! - 1)).toBe(true);
    expect(holdsAt(twoIn90, facts, at!)).toBe(false);
  });

  it('skips departures that do not flip the comparison', () => {
    const anyIn90 = rule({ event: 'crm.order.completed', withinDays: 90 });
    expect(changeAt(anyIn90, facts, day(60))).toBe(day(130) + 1); // the second order's departure, not the first's
    const noneFor120 = rule({ event: 'crm.order.completed', withinDays: 120, count: { eq: 0 } });
    expect(changeAt(noneFor120, facts, day(60))).toBe(day(160) + 1);
  });

  it('is null when time cannot make the condition change', () => {
    const threeIn90 = rule({ event: 'crm.order.completed', withinDays: 90, count: { gte: 3 } });
    expect(changeAt(threeIn90, facts, day(60))).toBeNull(); // counts only fall with time
    expect(changeAt(rule({ field: 'country', eq: 'DE' }), facts, day(60))).toBeNull();
    expect(changeAt(rule({ rfm: 'recency', gte: 4 }), facts, day(60))).toBeNull();
  });

  it('is the birthday that flips an age condition', () => {
    const adult = rule({ field: 'age', gte: 30 });
    expect(changeAt(adult, facts, day(60))).toBe(Date.UTC(2030, 2, 10));
    const twenties = rule({ field: 'age', gte: 20, lt: 30 });
    expect(changeAt(twenties, facts, day(60))).toBe(Date.UTC(2030, 2, 10));
    expect(changeAt(rule({ field: 'age', gte: 18 }), facts, day(60))).toBeNull();
  });

  it('is null for an `all` that fails on a part time cannot change, and for an `any` held by one', () => {
    const dachRepeat = rule({ all: [{ field: 'country', eq: 'DE' }, { event: 'crm.order.completed', withinDays: 90, count: { gte: 2 } }] });
    expect(changeAt(dachRepeat, { ...facts, country: 'SE' }, day(60))).toBeNull();
    expect(changeAt(dachRepeat, { ...facts, country: 'DE' }, day(60))).toBe(day(100) + 1);
    const emailableOrRecent = rule({ any: [{ consent: { channel: 'email', purpose: 'marketing' } }, { event: 'crm.order.completed', withinDays: 90 }] });
    expect(changeAt(emailableOrRecent, { ...facts, consents: ['email:marketing'] }, day(60))).toBeNull();
    expect(changeAt(emailableOrRecent, facts, day(60))).toBe(day(130) + 1);
  });

  it('judges RFM parts with the thresholds in force (their scores change only when thresholds are recomputed)', () => {
    const rfm = computeRfmThresholds([{ orders: 2, spendMinor: 1, spendCurrency: 'EUR', lastOrderAt: day(40) }, { orders: 1, spendMinor: 1, spendCurrency: 'EUR', lastOrderAt: day(1) }], day(60));
    const recentAndActive = rule({ all: [{ rfm: 'recency', gte: 3 }, { event: 'crm.order.completed', withinDays: 90, count: { gte: 2 } }] });
    expect(nextChangeAt(recentAndActive, facts, { now: day(60), rfm })).toBe(day(100) + 1);
    expect(nextChangeAt(recentAndActive, facts, { now: day(60), rfm: null })).toBeNull(); // no scores: the rule cannot hold
  });

  it('takes the earliest over a whole rule, through all, any and not', () => {
    const r = rule({
      any: [
        { not: { event: 'crm.touchpoint.recorded', action: 'email_opened', withinDays: 30 } },
        { all: [{ field: 'age', lt: 30 }, { event: 'crm.order.completed', withinDays: 90, count: { gte: 2 } }] },
      ],
    });
    expect(changeAt(r, facts, day(60))).toBe(day(80) + 1);
  });

  it('is never late: a brute-force check every six hours', () => {
    const r = rule({ event: 'crm.order.completed', withinDays: 30, count: { gte: 1 } });
    let now = day(10);
    const flips: number[] = [];
    while (now < day(200)) {
      const next = changeAt(r, facts, now);
      if (next === null) break;
      for (let t = now; t < next; t += DAY / 4) expect(holdsAt(r, facts, t)).toBe(holdsAt(r, facts, now));
      flips.push(next);
      now = next;
    }
    // From day 10 the order of day 40 is still to come ("no new event assumed"): the first answer is early, never late.
    expect(flips).toEqual([day(40) + 1, day(70) + 1]);
  });

  it('is never late, for random rules, histories and times', () => {
    const leaf = fc.oneof(
      fc.record({ event: fc.constant('crm.order.completed'), withinDays: fc.integer({ min: 1, max: 200 }), count: fc.record({ gte: fc.integer({ min: 0, max: 4 }) }) }),
      fc.record({ event: fc.constant('crm.order.completed'), withinDays: fc.integer({ min: 1, max: 200 }), count: fc.record({ lt: fc.integer({ min: 0, max: 4 }) }) }),
      fc.record({ field: fc.constant('age'), gte: fc.integer({ min: 20, max: 40 }) }),
      fc.record({ field: fc.constant('country'), eq: fc.constantFrom('DE', 'SE') }),
    );
    const tree = fc.letrec<{ node: unknown }>((tie) => ({
      node: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, fc.record({ all: fc.array(tie('node'), { minLength: 1, maxLength: 3 }) }), fc.record({ any: fc.array(tie('node'), { minLength: 1, maxLength: 3 }) }), fc.record({ not: tie('node') })),
    })).node;
    const history = fc.uniqueArray(fc.integer({ min: 0, max: 300 }), { maxLength: 6 });
    fc.assert(
      fc.property(tree, history, fc.integer({ min: 300, max: 400 }), (input, orderDays, nowDay) => {
        const r = rule(input);
        const f = fold([registered(day(0), { country: 'DE', birthDate: '1996-05-20' }), ...orderDays.sort((a, b) => a - b).map((d) => order(day(d)))]);
        const now = day(nowDay);
        const next = changeAt(r, f, now);
        const horizon = next ?? now + 400 * DAY;
        const outcome = holdsAt(r, f, now);
        for (let t = now; t < horizon; t += DAY / 2) expect(holdsAt(r, f, t)).toBe(outcome);
        expect(holdsAt(r, f, horizon - 1)).toBe(outcome);
      }),
      { numRuns: 200 },
    );
  });
});
