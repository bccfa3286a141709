import fc from 'fast-check';
import type { EventEnvelope } from '@crm/contracts';
import { DEFAULT_LIFECYCLE_CONFIG } from '../lifecycle/lifecycle-config';
import { day, eventFactory } from '../testing/profile-events';
import type { CustomerProfile } from './customer-profile';
import { evolveProfile } from './evolve-profile';
import { isFullyRefunded } from './order-ledger';
import { reviewProfile } from './review-profile';
import { upgradeStoredProfile } from './stored-profile';

const fold = (events: readonly EventEnvelope[], start: CustomerProfile | null = null): CustomerProfile =>
  events.reduce<CustomerProfile | null>((p, e) => evolveProfile(p, e), start) as CustomerProfile;
const stages = (p: CustomerProfile) => p.lifecycle.history.map((c) => `${c.from ?? '∅'}→${c.to}${c.reactivation ? '!' : ''}`);

describe('evolveProfile: demographics, contact and preferences', () => {
  const ev = eventFactory();

  it('builds identity from registration and keeps absent fields on updates', () => {
    const p = fold([
      ev('crm.customer.registered', { email: 'Ann@X.io', firstName: 'Ann', country: 'DE', acquisitionChannel: 'web' }, day(0)),
      ev('crm.profile.updated', { lastName: 'Lee', preferences: { newsletter: 'weekly' } }, day(1), 2),
      ev('crm.profile.updated', { contact: { phone: '+49 (30) 123-45.67' }, country: 'FR', preferences: { sms: 'no' } }, day(2), 2),
    ]);
    expect(p).toMatchObject({ email: 'Ann@X.io', phone: '+49 (30) 123-45.67', firstName: 'Ann', lastName: 'Lee', country: 'FR', acquisitionChannel: 'web', registeredAt: day(0), eventCount: 3 });
    expect(p.preferences).toEqual({ newsletter: 'weekly', sms: 'no' });
    expect(p.identifiers).toEqual([
      { kind: 'email', value: 'ann@x.io', linkedAt: day(0) },
      { kind: 'phone', value: '+49301234567', linkedAt: day(2) },
    ]);
    expect(Object.keys(p)).not.toContain('birthDate');
    expect(Object.keys(p)).not.toContain('contact');
  });

  it('links identifiers once, normalised as ingest does, external ids qualified by their system', () => {
    const p = fold([
      ev('crm.identity.linked', { kind: 'external_id', value: 'cus_1', system: 'shopify' }, day(0)),
      ev('crm.identity.linked', { kind: 'device_id', value: ' dev-9 ' }, day(1)),
      ev('crm.identity.linked', { kind: 'external_id', value: ' cus_1', system: 'shopify' }, day(2)),
    ]);
    expect(p.identifiers).toEqual([
      { kind: 'external_id', value: 'shopify:cus_1', system: 'shopify', linkedAt: day(0) },
      { kind: 'device_id', value: 'dev-9', linkedAt: day(1) },
    ]);
  });

  it('keeps the latest consent statement per channel and purpose, whatever order they arrive in', () => {
    const p = fold([
      ev('crm.consent.granted', { channel: 'email', purpose: 'marketing', policyVersion: 'v2' }, day(5)),
      ev('crm.consent.withdrawn', { channel: 'email', purpose: 'marketing' }, day(3)), // older: loses
      ev('crm.consent.withdrawn', { channel: 'sms', purpose: 'marketing' }, day(6)),
    ]);
    expect(p.consents).toEqual({
      email: { marketing: { granted: true, at: day(5), policyVersion: 'v2' } },
      sms: { marketing: { granted: false, at: day(6) } },
    });
  });

  it('keeps first and last seen right when events arrive with older timestamps, and counts only what the customer did as activity', () => {
    const p = fold([
      ev('crm.customer.registered', { email: 'a@x.io' }, day(10)),
      ev('crm.order.completed', { orderId: 'o1', totalMinor: 1, currency: 'EUR' }, day(4)),
      ev('crm.touchpoint.recorded', { channel: 'email', action: 'email_delivered' }, day(20)),
      ev('crm.opportunity.stage-changed', { opportunityId: 'op', to: 'lost' }, day(21)),
    ]);
    expect(p).toMatchObject({ firstSeenAt: day(4), lastSeenAt: day(21), lastActivityAt: day(10) });
  });
});

describe('evolveProfile: lifetime stats', () => {
  const ev = eventFactory();

  it('sums revenue per currency with refunds, net revenue and average order value', () => {
    const p = fold([
      ev('crm.order.completed', { orderId: 'o1', totalMinor: 1000, currency: 'EUR' }, day(1)),
      ev('crm.order.completed', { orderId: 'o2', totalMinor: 3001, currency: 'EUR' }, day(2)),
      ev('crm.order.completed', { orderId: 'o3', totalMinor: 99, currency: 'USD' }, day(3)),
      ev('crm.order.refunded', { orderId: 'o2', amountMinor: 500, currency: 'EUR' }, day(4)),
    ]);
    expect(p).toMatchObject({ orders: 3, refunds: 1, fullyRefundedOrders: 0, revenueMinorByCurrency: { EUR: 4001, USD: 99 }, firstOrderAt: day(1), lastOrderAt: day(3) });
    expect(p.revenue).toEqual([
      { currency: 'EUR', orders: 2, grossMinor: 4001, refundedMinor: 500, netMinor: 3501, averageOrderValueMinor: 2001 },
      { currency: 'USD', orders: 1, grossMinor: 99, refundedMinor: 0, netMinor: 99, averageOrderValueMinor: 99 },
    ]);
  });

  it('stops counting a fully refunded order for the lifecycle, also when the refund arrives before the completion', () => {
    const partly = fold([
      ev('crm.customer.registered', { email: 'a@x.io' }, day(0)),
      ev('crm.order.completed', { orderId: 'o1', totalMinor: 1000, currency: 'EUR' }, day(1)),
      ev('crm.order.completed', { orderId: 'o2', totalMinor: 1000, currency: 'EUR' }, day(2)),
      ev('crm.order.refunded', { orderId: 'o2', amountMinor: 400, currency: 'EUR' }, day(3)),
    ]);
    expect(partly.lifecycleStage).toBe('repeat-customer');
    const full = fold([ev('crm.order.refunded', { orderId: 'o2', amountMinor: 600, currency: 'EUR' }, day(4))], partly);
    expect(full).toMatchObject({ fullyRefundedOrders: 1, lifecycleStage: 'first-time-customer' });
    expect(full.lifecycle.history.at(-1)).toMatchObject({ from: 'repeat-customer', to: 'first-time-customer', reason: 'first completed order' });

    const early = fold([
      ev('crm.order.refunded', { orderId: 'o9', amountMinor: 700, currency: 'EUR' }, day(1)),
      ev('crm.order.completed', { orderId: 'o9', totalMinor: 700, currency: 'EUR' }, day(0)),
    ]);
    expect(early).toMatchObject({ orders: 1, fullyRefundedOrders: 1, lifecycleStage: 'lead' });
  });

  it('never lets the fully-refunded count drift from the remembered orders (any orders and refunds)', () => {
    const arbitraryStep = fc.oneof(
      fc.record({ kind: fc.constant('complete' as const), order: fc.integer({ min: 0, max: 6 }), amount: fc.integer({ min: 0, max: 50 }) }),
      fc.record({ kind: fc.constant('refund' as const), order: fc.integer({ min: 0, max: 6 }), amount: fc.integer({ min: 1, max: 50 }) }),
    );
    fc.assert(
      fc.property(fc.array(arbitraryStep, { maxLength: 30 }), (steps) => {
        const e = eventFactory('p');
        const events = steps.map((s, i) =>
          s.kind === 'complete'
            ? e('crm.order.completed', { orderId: `o${s.order}`, totalMinor: s.amount, currency: 'EUR' }, day(i))
            : e('crm.order.refunded', { orderId: `o${s.order}`, amountMinor: s.amount, currency: 'EUR' }, day(i)),
        );
        const p = events.length ? fold(events) : null;
        if (!p) return;
        expect(p.fullyRefundedOrders).toBe(p.orderHistory.filter(isFullyRefunded).length);
        expect(p.orders).toBe(steps.filter((s) => s.kind === 'complete').length);
        expect(p.revenue[0].netMinor).toBe(p.revenue[0].grossMinor - p.revenue[0].refundedMinor);
      }),
    );
  });

  it('counts open tickets, also when a resolution arrives before its opening, and keeps the latest NPS and CSAT', () => {
    const p = fold([
      ev('crm.ticket.opened', { ticketId: 't1', channel: 'email', subject: 'Broken', priority: 'high' }, day(1)),
      ev('crm.ticket.opened', { ticketId: 't2', channel: 'chat', subject: 'Where?', priority: 'low' }, day(2)),
      ev('crm.ticket.resolved', { ticketId: 't3', satisfaction: 4 }, day(3)),
      ev('crm.ticket.opened', { ticketId: 't3', channel: 'web', subject: 'Late', priority: 'normal' }, day(2, 12)),
      ev('crm.ticket.resolved', { ticketId: 't1' }, day(4)),
      ev('crm.survey.answered', { surveyId: 's1', kind: 'nps', score: 9 }, day(5)),
      ev('crm.survey.answered', { surveyId: 's0', kind: 'nps', score: 3 }, day(1)), // older answer arriving late
      ev('crm.survey.answered', { surveyId: 's2', kind: 'free_text', comment: 'ok' }, day(6)),
    ]);
    expect(p).toMatchObject({ openTickets: 1, openTicketIds: ['t2'], ticketsOpened: 3, resolvedTicketIds: [] });
    expect(p.lastNps).toEqual({ score: 9, at: day(5), source: 'survey', ref: 's1' });
    expect(p.lastCsat).toEqual({ score: 4, at: day(3), source: 'ticket', ref: 't3' });
  });
});

describe('evolveProfile: loyalty and segments', () => {
  it('takes tier and balances from loyalty events and memberships from segment events', () => {
    const ev = eventFactory();
    const p = fold([
      ev('crm.loyalty.points-earned', { points: 100, balance: 100, lifetimeEarned: 100, rule: 'order', sourceEventId: 'x', earnedAt: day(1) }, day(1)),
      ev('crm.loyalty.tier-upgraded', { from: 'bronze', to: 'silver', reason: '100 points' }, day(1)),
      ev('crm.loyalty.points-redeemed', { points: 30, balance: 70, lifetimeEarned: 100, redemptionId: 'r1' }, day(2)),
      ev('crm.segment.entered', { segmentId: 'vip', segmentName: 'VIP', segmentVersion: 1, reason: 'r', at: day(1) }, day(1)),
      ev('crm.segment.entered', { segmentId: 'big', segmentName: 'Big', segmentVersion: 2, reason: 'r', at: day(2) }, day(2)),
      ev('crm.segment.entered', { segmentId: 'vip', segmentName: 'VIP', segmentVersion: 2, reason: 'r', at: day(3) }, day(3)),
      ev('crm.segment.exited', { segmentId: 'big', segmentName: 'Big', segmentVersion: 2, reason: 'r', at: day(4) }, day(4)),
    ]);
    expect(p.loyalty).toEqual({ tier: 'silver', tierSince: day(1), balance: 70, lifetimeEarned: 100, updatedAt: day(2) });
    expect(p.segments).toEqual([{ segmentId: 'vip', segmentName: 'VIP', segmentVersion: 2, since: day(1) }]);
    // derived events are not the customer's: no sighting, no stage
    expect(p).toMatchObject({ eventCount: 0, lifecycleStage: null });
    expect(p.lastSeenAt).toBeUndefined();
  });
});

describe('evolveProfile: the lifecycle journey', () => {
  it('moves lead → prospect → first-time → repeat → loyal → at risk → churned → reactivated loyal', () => {
    const ev = eventFactory();
    const journey = [
      ev('crm.lead.captured', { source: 'webinar' }, day(0)),
      ev('crm.opportunity.stage-changed', { opportunityId: 'op1', from: 'lead', to: 'qualified' }, day(1)),
      ev('crm.order.completed', { orderId: 'o1', totalMinor: 100, currency: 'EUR' }, day(2)),
      ev('crm.order.completed', { orderId: 'o2', totalMinor: 100, currency: 'EUR' }, day(10)),
      ev('crm.order.completed', { orderId: 'o3', totalMinor: 100, currency: 'EUR' }, day(20)),
      ev('crm.order.completed', { orderId: 'o4', totalMinor: 100, currency: 'EUR' }, day(30)),
      ev('crm.touchpoint.recorded', { channel: 'web', action: 'page_viewed' }, day(300)),
      ev('crm.order.completed', { orderId: 'o5', totalMinor: 100, currency: 'EUR' }, day(310)),
    ];
    const p = fold(journey);
    expect(stages(p)).toEqual([
      '∅→lead',
      'lead→prospect',
      'prospect→first-time-customer',
      'first-time-customer→repeat-customer',
      'repeat-customer→loyal',
      'loyal→at-risk',
      'at-risk→churned',
      'churned→loyal!', // 5 orders within the last 365 days again
    ]);
    expect(p.lifecycle.history.map((c) => c.at)).toEqual([day(0), day(1), day(2), day(10), day(30), day(120), day(210), day(310)]);
    expect(p).toMatchObject({ leadSource: 'webinar', prospect: { since: day(1), signal: 'opportunity qualified' }, lifecycleStage: 'loyal' });
    expect(p.lifecycle.reason).toBe('5 orders in the last 365 days after being churned (reactivation)');
    // replaying the same events gives the same profile
    expect(fold(journey)).toEqual(p);
  });

  it('gets the same profile whether a sweep reviewed it in between or not', () => {
    const ev = eventFactory();
    const early = fold([ev('crm.order.completed', { orderId: 'o1', totalMinor: 100, currency: 'EUR' }, day(0))]);
    const late = ev('crm.order.completed', { orderId: 'o2', totalMinor: 100, currency: 'EUR' }, day(400));
    const swept = reviewProfile(reviewProfile(early, day(100)), day(200));
    expect(swept.lifecycleStage).toBe('churned');
    expect(evolveProfile(swept, late)).toEqual(evolveProfile(early, late));
  });

  it("recognises its own published changes, and in a rebuild redoes the sweep's from them", () => {
    const ev = eventFactory();
    const early = fold([ev('crm.order.completed', { orderId: 'o1', totalMinor: 100, currency: 'EUR' }, day(0))]);
    const swept = reviewProfile(early, day(100));
    const published = swept.lifecycle.history.at(-1)!;
    const stageChanged = ev('crm.lifecycle.stage-changed', { from: published.from, to: published.to, reason: published.reason, reactivation: false, at: published.at }, day(100));
    expect(evolveProfile(swept, stageChanged)).toBe(swept); // live: already held
    expect(evolveProfile(early, stageChanged)).toEqual(swept); // rebuild: the same review
  });
});

describe('evolveProfile: erasure and merges', () => {
  it('drops personal data on erasure, keeps counts and stage, and takes no personal data afterwards', () => {
    const ev = eventFactory();
    const p = fold([
      ev('crm.customer.registered', { email: 'a@x.io', firstName: 'Ann', lastName: 'Lee', birthDate: '1990-01-01', country: 'NL' }, day(0)),
      ev('crm.consent.granted', { channel: 'email', purpose: 'marketing' }, day(0)),
      ev('crm.profile.updated', { preferences: { size: 'M' } }, day(1), 2),
      ev('crm.order.completed', { orderId: 'o1', totalMinor: 500, currency: 'EUR' }, day(2)),
      ev('crm.customer.erased', { requestedBy: 'customer' }, day(3)),
      ev('crm.profile.updated', { firstName: 'Back', contact: { email: 'new@x.io' } }, day(4), 2),
      ev('crm.identity.linked', { kind: 'phone', value: '+3161234' }, day(5)),
      ev('crm.order.completed', { orderId: 'o2', totalMinor: 500, currency: 'EUR' }, day(6)),
    ]);
    for (const field of ['email', 'phone', 'firstName', 'lastName', 'birthDate']) expect(Object.keys(p)).not.toContain(field);
    expect(p).toMatchObject({ erasedAt: day(3), preferences: {}, identifiers: [], consents: {}, country: 'NL', orders: 2, revenueMinorByCurrency: { EUR: 1000 }, lifecycleStage: 'repeat-customer', eventCount: 8 });
  });

  it('marks a merged customer with its survivor, keeps its history and freezes its stage', () => {
    const ev = eventFactory('y');
    const p = fold([
      ev('crm.order.completed', { orderId: 'o1', totalMinor: 500, currency: 'EUR' }, day(0)),
      ev('crm.customer.merged', { survivorId: 'x', mergedId: 'y', reason: 'identity', identity: { kind: 'email', value: 'y@x.io' } }, day(1)),
      ev('crm.order.completed', { orderId: 'o2', totalMinor: 500, currency: 'EUR' }, day(2)), // a straggler
    ]);
    expect(p).toMatchObject({ mergedInto: 'x', mergedAt: day(1), orders: 2, eventCount: 2, lifecycleStage: 'first-time-customer', lastSeenAt: day(2) });
    expect(p.lifecycle.nextReviewAt).toBeUndefined();
    expect(reviewProfile(p, day(900))).toBe(p);
  });

  it('treats a type it does not know as a sighting', () => {
    const ev = eventFactory();
    const p = fold([ev('crm.something.new', { x: 1 }, day(3))]);
    expect(p).toMatchObject({ eventCount: 1, firstSeenAt: day(3), lastSeenAt: day(3), lifecycleStage: 'lead' });
    expect(p.lastActivityAt).toBeUndefined();
  });

  it('uses the configured windows', () => {
    const ev = eventFactory();
    const config = { ...DEFAULT_LIFECYCLE_CONFIG, atRiskAfterDays: 10, churnedAfterDays: 20 };
    const p = [
      ev('crm.order.completed', { orderId: 'o1', totalMinor: 1, currency: 'EUR' }, day(0)),
      ev('crm.touchpoint.recorded', { channel: 'web', action: 'page_viewed' }, day(15)),
    ].reduce<CustomerProfile | null>((s, e) => evolveProfile(s, e, config), null)!;
    expect(p.lifecycleStage).toBe('at-risk');
    expect(p.lifecycle.nextReviewAt).toBe(day(20));
  });
});

describe('upgradeStoredProfile', () => {
  it('fills what a first-schema document lacks, with an unjudged stage, and folds on from there', () => {
    const old = { customerId: 'c1', email: 'a@x.io', preferences: {}, firstSeenAt: day(0), lastSeenAt: day(0), orders: 1, revenueMinorByCurrency: { EUR: 5 }, lifecycleStage: 'registered', eventCount: 2 } as unknown as CustomerProfile;
    const upgraded = upgradeStoredProfile(old);
    expect(upgraded).toMatchObject({ email: 'a@x.io', orders: 1, identifiers: [], revenue: [], segments: [], lifecycleStage: null, lifecycle: { stage: null, changes: 0 } });
    const ev = eventFactory();
    expect(evolveProfile(upgraded, ev('crm.touchpoint.recorded', { channel: 'web', action: 'page_viewed' }, day(1))).lifecycleStage).toBe('first-time-customer');
    const current = evolveProfile(null, ev('crm.lead.captured', { source: 'x' }, day(0)));
    expect(upgradeStoredProfile(current)).toBe(current);
  });
});
