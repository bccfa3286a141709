import type { EventEnvelope } from '@crm/contracts';
import { commandsForCustomerEvent } from '../customer-events/commands-for-customer-event';
import { evolvePendingOrders, type PendingOrders } from '../pending/pending-orders';
import { DEFAULT_PROGRAM } from '../program/loyalty-program';
import { AccountUnderTest } from '../testing/account-test-kit';
import { balanceView, nextExpiryAt } from './balance-view';

const envelope = (id: string, type: string, data: Record<string, unknown>, time = '2026-03-01T10:00:00.000Z'): EventEnvelope => ({
  id, type, schemaVersion: 1, source: 't', subject: 'c-1', time, data,
});

describe('customer events as loyalty commands', () => {
  it('turns orders, refunds, merges and rule-matching events into commands, and ignores the rest', () => {
    const commands = [
      envelope('e1', 'crm.order.completed', { orderId: 'o-1', totalMinor: 1000, currency: 'EUR' }),
      envelope('e2', 'crm.order.refunded', { orderId: 'o-1', amountMinor: 500, currency: 'EUR' }),
      envelope('e3', 'crm.customer.merged', { survivorId: 'x', mergedId: 'c-1', reason: 'identity', identity: { kind: 'email', value: 'a@b.co' } }),
      envelope('e4', 'crm.survey.answered', { surveyId: 's', kind: 'free_text', comment: 'nice' }),
      envelope('e5', 'crm.survey.answered', { surveyId: 's', kind: 'nps', score: 10 }),
      envelope('e6', 'crm.profile.updated', { firstName: 'A' }),
    ].flatMap((e) => commandsForCustomerEvent(e, DEFAULT_PROGRAM));
    expect(commands.map((c) => [c.customerId, c.command.type])).toEqual([
      ['c-1', 'EarnForOrder'],
      ['c-1', 'ReverseForRefund'],
      ['c-1', 'TransferOnMerge'],
      ['c-1', 'EarnForCustomerEvent'],
    ]);
    expect(commands[0].command).toEqual({ type: 'EarnForOrder', sourceEventId: 'e1', at: '2026-03-01T10:00:00.000Z', orderId: 'o-1', totalMinor: 1000, currency: 'EUR' });
  });
});

describe('balance view', () => {
  const placed = (id: string, orderId: string, totalMinor: number, time: string) =>
    envelope(id, 'crm.order.placed', { orderId, totalMinor, currency: 'EUR', items: [{ sku: 's', quantity: 1, unitPriceMinor: totalMinor }] }, time);

  it('shows available points, pending points of placed orders at the current tier, and what expires soon', () => {
    const account = new AccountUnderTest();
    account.given(
      { type: 'EarnForOrder', sourceEventId: 'a', orderId: 'o-a', totalMinor: 100_000, currency: 'EUR', at: '2025-03-20T00:00:00.000Z' }, // 1000, silver
      { type: 'EarnForOrder', sourceEventId: 'b', orderId: 'o-b', totalMinor: 20_000, currency: 'EUR', at: '2025-06-01T00:00:00.000Z' }, // 250
    );
    let pending: PendingOrders | null = null;
    for (const e of [
      placed('p1', 'o-c', 10_000, '2026-02-20T00:00:00.000Z'),
      placed('p2', 'o-d', 40_000, '2026-02-25T00:00:00.000Z'),
      placed('p3', 'o-old', 40_000, '2025-12-01T00:00:00.000Z'), // placed more than 30 days ago: no longer pending
      envelope('p4', 'crm.order.completed', { orderId: 'o-d', totalMinor: 40_000, currency: 'EUR' }),
    ]) pending = evolvePendingOrders(pending, e);
    expect(pending?.orders.map((o) => o.orderId)).toEqual(['o-c', 'o-old']);
    const view = balanceView(account.state, pending, DEFAULT_PROGRAM, '2026-03-01T00:00:00.000Z');
    expect(view).toEqual({
      customerId: 'c-1',
      available: 1250,
      pending: 125, // 100 € at silver's 1.25
      expiringSoon: { points: 1000, withinDays: 30, before: '2026-03-31T00:00:00.000Z' },
      nextExpiry: { points: 1000, at: '2026-03-20T00:00:00.000Z' },
      lifetimeEarned: 1250,
      tier: 'silver',
    });
    expect(nextExpiryAt(account.state)).toBe('2026-03-20T00:00:00.000Z');
  });
});
