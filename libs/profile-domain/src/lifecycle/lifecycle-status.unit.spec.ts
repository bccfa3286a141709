import { DEFAULT_LIFECYCLE_CONFIG } from './lifecycle-config';
import type { LifecycleFacts } from './lifecycle-stage';
import { changesSince, initialLifecycleStatus, judgeAt, judgeEvent, reviewLifecycle, scheduleReview, TIME_CAUSE, type LifecycleStatus } from './lifecycle-status';

const START = Date.parse('2026-01-01T00:00:00.000Z');
const day = (n: number): string => new Date(START + n * 86_400_000).toISOString();
const config = DEFAULT_LIFECYCLE_CONFIG; // at risk 90, churned 180, loyal 4 in 365
const none: LifecycleFacts = { keptOrders: 0, keptOrderTimes: [] };
const orders = (...days: number[]): LifecycleFacts => ({ keptOrders: days.length, keptOrderTimes: days.map(day).reverse(), lastKeptOrderAt: day(Math.max(...days)) });
const moves = (s: LifecycleStatus) => s.history.map((c) => `${c.from ?? '∅'}→${c.to}@${c.at.slice(0, 10)}${c.reactivation ? '!' : ''}`);

describe('judgeEvent', () => {
  it('records the first stage from nothing, caused by the event, and schedules the next review', () => {
    const s = judgeEvent(initialLifecycleStatus(), none, orders(0), { id: 'e1', time: day(0) }, config);
    expect(s).toMatchObject({ stage: 'first-time-customer', since: day(0), reason: 'first completed order', reactivation: false, nextReviewAt: day(90), asOf: day(0), changes: 1 });
    expect(s.history).toEqual([{ n: 1, from: null, to: 'first-time-customer', reason: 'first completed order', reactivation: false, at: day(0), cause: 'e1' }]);
  });

  it('first lets time pass (at its deadlines), then applies the event: a purchase after churn is a reactivation', () => {
    const first = judgeEvent(initialLifecycleStatus(), none, orders(0), { id: 'e1', time: day(0) }, config);
    const back = judgeEvent(first, orders(0), orders(0, 200), { id: 'e2', time: day(200) }, config);
    expect(moves(back)).toEqual([
      '∅→first-time-customer@2026-01-01',
      'first-time-customer→at-risk@2026-04-01',
      'at-risk→churned@2026-06-30',
      'churned→repeat-customer@2026-07-20!',
    ]);
    expect(back.history.map((c) => c.cause)).toEqual(['e1', TIME_CAUSE, TIME_CAUSE, 'e2']);
    expect(back).toMatchObject({ stage: 'repeat-customer', reactivation: true, reason: '2 completed orders after being churned (reactivation)', nextReviewAt: day(290) });
  });

  it('judges an event older than the clock at the clock (the clock never goes back)', () => {
    const s1 = judgeEvent(initialLifecycleStatus(), none, orders(50), { id: 'e1', time: day(50) }, config);
    const s2 = judgeEvent(s1, orders(50), orders(10, 50), { id: 'e2', time: day(10) }, config);
    expect(s2).toMatchObject({ stage: 'repeat-customer', since: day(50), asOf: day(50), nextReviewAt: day(140) });
    expect(s2.history.at(-1)).toMatchObject({ from: 'first-time-customer', to: 'repeat-customer', at: day(50), cause: 'e2' });
  });

  it('records nothing when the stage holds, but moves the next review with the facts', () => {
    const s1 = judgeEvent(initialLifecycleStatus(), none, orders(0, 1), { id: 'e1', time: day(1) }, config);
    const s2 = judgeEvent(s1, orders(0, 1), orders(0, 1, 30), { id: 'e2', time: day(30) }, config);
    expect(s2.changes).toBe(s1.changes);
    expect(s2.nextReviewAt).toBe(day(120));
  });
});

describe('an event older than a stage the sweep reached', () => {
  it('is judged at the time that stage took effect, so it cannot undo it', () => {
    const first = judgeEvent(initialLifecycleStatus(), none, orders(0), { id: 'e1', time: day(0) }, config);
    const churned = reviewLifecycle(first, orders(0), day(300), config);
    const late = judgeEvent(churned, orders(0), orders(0), { id: 'e2', time: day(50) }, config); // a page view from day 50, delivered late
    expect(late).toMatchObject({ stage: 'churned', changes: churned.changes, asOf: day(180) });
  });
});

describe('reviewLifecycle', () => {
  const first = judgeEvent(initialLifecycleStatus(), none, orders(0), { id: 'e1', time: day(0) }, config);

  it('does only what is due by then, each change at its own deadline', () => {
    expect(reviewLifecycle(first, orders(0), day(89), config)).toBe(first);
    const atRisk = reviewLifecycle(first, orders(0), day(100), config);
    expect(moves(atRisk).slice(1)).toEqual(['first-time-customer→at-risk@2026-04-01']);
    expect(atRisk).toMatchObject({ stage: 'at-risk', nextReviewAt: day(180), asOf: day(0) }); // a review never moves the clock
    const churned = reviewLifecycle(atRisk, orders(0), day(400), config);
    expect(moves(churned).slice(2)).toEqual(['at-risk→churned@2026-06-30']);
    expect(churned.nextReviewAt).toBeUndefined();
    expect(reviewLifecycle(churned, orders(0), day(900), config)).toBe(churned);
  });

  it('finds the same changes as an event arriving after the deadlines: a sweep and a rebuild agree', () => {
    const event = { id: 'e2', time: day(300) };
    const bySweep = judgeEvent(reviewLifecycle(reviewLifecycle(first, orders(0), day(95), config), orders(0), day(250), config), orders(0), orders(0, 300), event, config);
    const byRebuild = judgeEvent(first, orders(0), orders(0, 300), event, config);
    expect(bySweep).toEqual(byRebuild);
  });

  it('judges a scheduled review (after a merge) from nothing', () => {
    const scheduled = scheduleReview(initialLifecycleStatus(), day(5));
    const s = reviewLifecycle(scheduled, orders(1, 2), day(6), config);
    expect(s.history).toEqual([{ n: 1, from: null, to: 'repeat-customer', reason: '2 completed orders', reactivation: false, at: day(5), cause: TIME_CAUSE }]);
    expect(scheduleReview(s, day(500)).nextReviewAt).toBe(s.nextReviewAt); // an earlier review stays
  });
});

describe('history', () => {
  it('keeps the last 20 changes and tells what is new since a count', () => {
    let s = initialLifecycleStatus();
    for (let i = 0; i < 25; i++) s = judgeAt(s, i % 2 === 0 ? orders(i) : none, day(i), `e${i}`, config);
    expect(s.changes).toBe(25);
    expect(s.history).toHaveLength(20);
    expect(s.history[0].n).toBe(6);
    expect(changesSince(s, 23).map((c) => c.n)).toEqual([24, 25]);
  });
});
