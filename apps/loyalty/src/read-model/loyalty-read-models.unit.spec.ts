import type { CustomerEventRecord, EventEnvelope } from '@crm/contracts';
import { DEFAULT_PROGRAM } from '@crm/loyalty-domain';
import { accountProjection, ledgerEntry, ledgerProjection, pendingOrdersProjection } from './loyalty-read-models';

const record = (streamId: string | undefined, revision: number, type: string, data: Record<string, unknown>, subject = 'c-1'): CustomerEventRecord => {
  const envelope: EventEnvelope = { id: `${streamId}-${revision}`, type, schemaVersion: 1, source: 't', subject, time: '2026-03-01T10:00:00.000Z', data };
  return { envelope, ...(streamId ? { streamId } : {}), streamRevision: revision, position: String(100 + revision) };
};

const earned = record('loyalty-c-1', 0, 'crm.loyalty.points-earned', {
  points: 120, rule: 'order', sourceEventId: 's', orderId: 'o-1', spendMinor: 12_000, currency: 'EUR', earnedAt: '2026-03-01T10:00:00.000Z',
  expiresAt: '2027-03-01T10:00:00.000Z', balance: 120, lifetimeEarned: 120,
});

describe('loyalty read models', () => {
  it('route loyalty-stream events to the account and the ledger, and order events of the customer stream to pending orders', () => {
    const account = accountProjection(DEFAULT_PROGRAM);
    const placed = record(undefined, 3, 'crm.order.placed', { orderId: 'o-2', totalMinor: 100, currency: 'EUR', items: [] });
    expect([account.documentId(earned), ledgerProjection.documentId(earned), pendingOrdersProjection.documentId(earned)]).toEqual(['c-1', 'loyalty-c-1-0', null]);
    expect([account.documentId(placed), ledgerProjection.documentId(placed), pendingOrdersProjection.documentId(placed)]).toEqual([null, null, 'c-1']);
    // A loyalty-typed event in someone else's stream is not an account event.
    expect(account.documentId(record('customer-c-1', 4, 'crm.loyalty.points-earned', {}))).toBeNull();
  });

  it('keep on the account what the schedule and the tier counts query', () => {
    const doc = accountProjection(DEFAULT_PROGRAM).evolve(null, earned);
    expect(doc).toMatchObject({ customerId: 'c-1', balance: 120, tierId: 'bronze', nextExpiryAt: '2027-03-01T10:00:00.000Z', tierDowngradeDueAt: null, mergedInto: null });
  });

  it('write one signed ledger line per event', () => {
    expect(ledgerProjection.evolve(null, earned)).toEqual({
      eventId: 'loyalty-c-1-0', customerId: 'c-1', revision: 0, type: 'crm.loyalty.points-earned', at: '2026-03-01T10:00:00.000Z',
      points: 120, balance: 120, lifetimeEarned: 120, description: 'earned for order o-1', orderId: 'o-1',
    });
    const redeemed = { id: 'e2', type: 'crm.loyalty.points-redeemed', schemaVersion: 1, source: 't', subject: 'c-1', time: '2026-03-02T00:00:00Z', data: { points: 100, redemptionId: 'r', rewardId: 'voucher-5', balance: 20, lifetimeEarned: 120 } } as const;
    expect(ledgerEntry(redeemed, 'c-1', 1)).toMatchObject({ points: -100, balance: 20, redemptionId: 'r', rewardId: 'voucher-5', description: 'redeemed for reward voucher-5' });
  });
});
