import { DEFAULT_LIFECYCLE_CONFIG, lifecycleConfigProblems, type LifecycleConfig } from './lifecycle-config';
import { stageAt, type LifecycleFacts } from './lifecycle-stage';

const START = Date.parse('2026-01-01T00:00:00.000Z');
const day = (n: number): string => new Date(START + n * 86_400_000).toISOString();
const config = DEFAULT_LIFECYCLE_CONFIG; // at risk 90, churned 180, loyal 4 in 365
const orders = (...days: number[]): LifecycleFacts => ({
  prospect: { since: day(0), signal: 'registered' },
  keptOrders: days.length,
  keptOrderTimes: days.map(day).reverse(),
  lastKeptOrderAt: day(Math.max(...days)),
});

describe('stageAt', () => {
  it('calls a customer without kept orders a lead, or a prospect once they showed intent', () => {
    expect(stageAt({ keptOrders: 0, keptOrderTimes: [] }, day(0), config)).toEqual({ stage: 'lead', reason: 'known, no sign of buying intent yet' });
    const prospect = stageAt({ keptOrders: 0, keptOrderTimes: [], prospect: { since: day(0), signal: 'opportunity qualified' } }, day(500), config);
    expect(prospect).toEqual({ stage: 'prospect', reason: 'opportunity qualified, no completed order yet' });
  });

  it('moves through first-time, repeat and loyal with the kept orders', () => {
    expect(stageAt(orders(1), day(1), config)).toEqual({ stage: 'first-time-customer', reason: 'first completed order', changesAt: day(91) });
    expect(stageAt(orders(1, 5), day(5), config)).toEqual({ stage: 'repeat-customer', reason: '2 completed orders', changesAt: day(95) });
    expect(stageAt(orders(1, 5, 9), day(9), config).stage).toBe('repeat-customer');
    expect(stageAt(orders(1, 5, 9, 20), day(20), config)).toEqual({ stage: 'loyal', reason: '4 orders in the last 365 days', changesAt: day(110) });
  });

  it('turns at risk, then churned, at the inactivity deadlines (boundaries included)', () => {
    const facts = orders(10);
    expect(stageAt(facts, new Date(Date.parse(day(100)) - 1).toISOString(), config).stage).toBe('first-time-customer');
    expect(stageAt(facts, day(100), config)).toEqual({ stage: 'at-risk', reason: 'no purchase for 90 days', changesAt: day(190) });
    expect(stageAt(facts, day(189), config).stage).toBe('at-risk');
    expect(stageAt(facts, day(190), config)).toEqual({ stage: 'churned', reason: 'no purchase for 180 days' });
    expect(stageAt(facts, day(5000), config).changesAt).toBeUndefined();
  });

  it('lets a loyal customer lapse to repeat when the loyal window stops holding enough orders', () => {
    // four early orders and a late one: the late one keeps them active, the early ones age out
    const facts = orders(0, 10, 20, 30, 300);
    expect(stageAt(facts, day(300), config)).toEqual({ stage: 'loyal', reason: '5 orders in the last 365 days', changesAt: day(375) });
    expect(stageAt(facts, new Date(Date.parse(day(375)) - 1).toISOString(), config).stage).toBe('loyal');
    expect(stageAt(facts, day(375), config)).toEqual({ stage: 'repeat-customer', reason: '5 completed orders', changesAt: day(390) });
  });

  it('measures inactivity from any activity when configured so', () => {
    const activity: LifecycleConfig = { ...config, inactivityBasis: 'activity' };
    const facts: LifecycleFacts = { ...orders(0), lastActivityAt: day(60) };
    expect(stageAt(facts, day(100), config).stage).toBe('at-risk');
    expect(stageAt(facts, day(100), activity)).toMatchObject({ stage: 'first-time-customer', changesAt: day(150) });
    expect(stageAt(facts, day(150), activity)).toMatchObject({ stage: 'at-risk', reason: 'no activity for 90 days' });
  });

  it('falls back to the last kept order when the remembered orders are all refunded', () => {
    const facts: LifecycleFacts = { keptOrders: 3, keptOrderTimes: [], lastKeptOrderAt: day(10) };
    expect(stageAt(facts, day(20), config)).toMatchObject({ stage: 'repeat-customer', changesAt: day(100) });
  });
});

describe('lifecycleConfigProblems', () => {
  it('accepts the defaults and lists every problem of a bad configuration', () => {
    expect(lifecycleConfigProblems(config)).toEqual([]);
    const bad = { atRiskAfterDays: 0, churnedAfterDays: 0, loyalMinOrders: 2, loyalWindowDays: 1.5, inactivityBasis: 'never' } as unknown as LifecycleConfig;
    expect(lifecycleConfigProblems(bad)).toEqual([
      'atRiskAfterDays must be a positive integer',
      'churnedAfterDays must be a positive integer',
      'loyalWindowDays must be a positive integer',
      'churnedAfterDays must be more than atRiskAfterDays',
      'loyalMinOrders must be between 3 and 50',
      "inactivityBasis must be 'purchase' or 'activity'",
    ]);
  });
});
