import type { EventEnvelope } from '@crm/contracts';
import type { SegmentDefinition } from '../definitions/segment-definition';
import { day, emailOpened, event, order, registered } from '../testing/event-fixtures';
import {
  absorbCustomerSegments,
  evolveCustomerSegments,
  membershipChanges,
  rejudgeCustomerSegments,
  type CustomerSegments,
  type SegmentationContext,
} from './customer-segments';

const segment = (id: string, rule: SegmentDefinition['rule'], version = 1): SegmentDefinition => ({ id, name: `Segment ${id}`, version, rule });
const context: SegmentationContext = {
  rfm: null,
  segments: [
    segment('prospects', { field: 'orders', eq: 0 }),
    segment('repeat-90d', { event: 'crm.order.completed', withinDays: 90, count: { gte: 2 } }),
    segment('engaged', { event: 'crm.touchpoint.recorded', action: 'email_opened', withinDays: 30 }),
    segment('high-value', { field: 'spendMinor', gte: 50_000 }),
  ],
};
const fold = (events: EventEnvelope[], ctx = context, from: CustomerSegments | null = null) =>
  events.reduce<CustomerSegments | null>((state, e) => evolveCustomerSegments(state, e, ctx), from) as CustomerSegments;

describe('live membership: each event re-judges its customer at the customer clock', () => {
  it('moves a customer through segments and says when time alone may change them', () => {
    let s = fold([registered(day(0), { country: 'DE' })]);
    expect(s).toMatchObject({ customerId: 'c1', segments: ['prospects'], asOf: day(0), reevaluateAt: null });
    s = fold([order(day(10), 30_000), emailOpened(day(12))], context, s);
    expect(s).toMatchObject({ segments: ['engaged'], reevaluateAt: day(42) + 1 });
    s = fold([order(day(20), 25_000)], context, s);
    expect(s).toMatchObject({ segments: ['engaged', 'high-value', 'repeat-90d'], reevaluateAt: day(42) + 1 });
  });

  it('never moves the clock back for an event that arrives late', () => {
    const s = fold([order(day(50)), emailOpened(day(5))]);
    expect(s.asOf).toBe(day(50));
    expect(s.segments).toEqual([]); // the open of day 5 is 45 days old at the customer's clock
  });

  it('ends every membership on erasure, forgets the facts and ignores later events', () => {
    let s = fold([registered(day(0), { country: 'DE' }), order(day(1), 60_000)]);
    s = fold([event('crm.customer.erased', {}, day(2)), order(day(3))], context, s);
    expect(s).toEqual({ customerId: 'c1', facts: { orders: 0, spendMinor: 0, activity: {} }, segments: [], asOf: day(3), reevaluateAt: null, erasedAt: day(2) });
  });

  it('folds loyalty and lifecycle events into the same facts', () => {
    const gold: SegmentationContext = { rfm: null, segments: [segment('gold-loyal', { all: [{ field: 'loyaltyTier', eq: 'gold' }, { field: 'lifecycleStage', eq: 'loyal' }] })] };
    const s = fold(
      [
        event('crm.loyalty.tier-upgraded', { from: 'silver', to: 'gold', reason: 'x' }, day(1)),
        event('crm.lifecycle.stage-changed', { from: 'repeat-customer', to: 'loyal', reason: 'x', reactivation: false, at: 'x' }, day(2)),
      ],
      gold,
    );
    expect(s.segments).toEqual(['gold-loyal']);
  });
});

describe('merges', () => {
  const merged = (survivorId: string, at: number) =>
    event('crm.customer.merged', { survivorId, mergedId: 'y', reason: 'identity', identity: { kind: 'email', value: 'a@b.co' } }, at, 'y');

  it('drops the merged customer from every segment and judges the survivor on the combined facts', () => {
    let y = fold([order(day(1), 30_000, 'EUR', 'y'), order(day(2), 5_000, 'EUR', 'y')]);
    expect(y.segments).toEqual(['repeat-90d']);
    y = fold([merged('x', day(3))], context, y);
    expect(y).toMatchObject({ mergedInto: 'x', segments: [], reevaluateAt: null });
    expect(membershipChanges(fold([order(day(1), 30_000, 'EUR', 'y'), order(day(2), 5_000, 'EUR', 'y')]), y, context)).toEqual([
      { kind: 'exited', customerId: 'y', segmentId: 'repeat-90d', segmentName: 'Segment repeat-90d', segmentVersion: 1, reason: 'merged into customer x', at: day(3) },
    ]);
    const x = fold([registered(day(0), {}, 'x'), order(day(4), 20_000, 'EUR', 'x')]);
    const combined = absorbCustomerSegments(x, y, 'x', context);
    expect(combined).toMatchObject({ customerId: 'x', segments: ['high-value', 'repeat-90d'], asOf: day(4) });
    expect(combined.facts).toMatchObject({ orders: 3, spendMinor: 55_000 });
    expect(combined.mergedInto).toBeUndefined();
  });

  it('creates the survivor from the merged facts when the survivor has none here yet', () => {
    const y = fold([registered(day(0), { country: 'SE' }, 'y'), merged('x', day(1))]);
    expect(absorbCustomerSegments(null, y, 'x', context)).toMatchObject({ customerId: 'x', segments: ['prospects'], facts: { country: 'SE' } });
  });
});

describe('re-judging without an event (sweep, back-fill)', () => {
  const journey = fold([order(day(10), 30_000), order(day(20), 25_000), emailOpened(day(12))]);

  it('lets time end window memberships and gives the next time to look', () => {
    const later = rejudgeCustomerSegments(journey, context, day(45));
    expect(later).toMatchObject({ segments: ['high-value', 'repeat-90d'], asOf: day(45), reevaluateAt: day(100) + 1 });
    expect(rejudgeCustomerSegments(later, context, day(101))).toMatchObject({ segments: ['high-value'], reevaluateAt: null });
  });

  it('judges only the named segments when asked (a back-fill), keeping an earlier estimate for the others', () => {
    const vip = segment('vip', { field: 'spendMinor', gte: 55_000 });
    const withVip: SegmentationContext = { ...context, segments: [...context.segments, vip] };
    const s = rejudgeCustomerSegments(journey, withVip, day(21), new Set(['vip']));
    expect(s).toMatchObject({ segments: ['engaged', 'high-value', 'repeat-90d', 'vip'], reevaluateAt: journey.reevaluateAt });
    const withoutHighValue: SegmentationContext = { ...context, segments: context.segments.filter((d) => d.id !== 'high-value') };
    expect(rejudgeCustomerSegments(journey, withoutHighValue, day(21), new Set(['high-value'])).segments).toEqual(['engaged', 'repeat-90d']);
  });

  it('leaves merged and erased customers alone', () => {
    const erased = fold([event('crm.customer.erased', {}, day(1))]);
    expect(rejudgeCustomerSegments(erased, context, day(400))).toBe(erased);
  });
});

describe('membership changes', () => {
  it('lists exits then entries, with the deciding conditions as reasons and the version that decided', () => {
    const before = fold([registered(day(0)), emailOpened(day(1))]);
    const after = fold([order(day(2), 60_000)], context, before);
    expect(membershipChanges(before, after, context)).toEqual([
      { kind: 'exited', customerId: 'c1', segmentId: 'prospects', segmentName: 'Segment prospects', segmentVersion: 1, reason: 'orders is 1 (needs = 0)', at: day(2) },
      { kind: 'entered', customerId: 'c1', segmentId: 'high-value', segmentName: 'Segment high-value', segmentVersion: 1, reason: 'spendMinor is 60000 (needs ≥ 50000)', at: day(2) },
    ]);
    expect(membershipChanges(after, after, context)).toEqual([]);
  });

  it('names a segment that was deleted as the reason for leaving it', () => {
    const state = fold([registered(day(0))]);
    const gone = segment('prospects', { field: 'orders', eq: 0 }, 3);
    const remaining: SegmentationContext = { rfm: null, segments: context.segments.filter((d) => d.id !== 'prospects'), deleted: [gone] };
    const after = rejudgeCustomerSegments(state, remaining, day(1), new Set(['prospects']));
    expect(membershipChanges(state, after, remaining)).toEqual([
      { kind: 'exited', customerId: 'c1', segmentId: 'prospects', segmentName: 'Segment prospects', segmentVersion: 3, reason: 'segment deleted', at: day(1) },
    ]);
  });
});

describe('replays', () => {
  it('give identical read models for identical events, whenever they are folded', () => {
    const events = [registered(day(0), { country: 'DE', birthDate: '1990-01-01' }), order(day(3), 70_000), emailOpened(day(4)), event('crm.consent.granted', { channel: 'email', purpose: 'marketing' }, day(5))];
    expect(JSON.stringify(fold(events))).toBe(JSON.stringify(fold(events)));
  });
});
