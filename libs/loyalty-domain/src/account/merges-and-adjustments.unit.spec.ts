import { LOYALTY_POINTS_ADJUSTED, LOYALTY_TIER_UPGRADED, type PointsAdjustedData } from '@crm/contracts';
import { DEFAULT_PROGRAM } from '../program/loyalty-program';
import { AccountUnderTest } from '../testing/account-test-kit';
import type { LoyaltyCommand } from './loyalty-commands';

const order = (id: string, totalMinor: number, at: string): LoyaltyCommand => ({ type: 'EarnForOrder', sourceEventId: id, orderId: `o-${id}`, totalMinor, currency: 'EUR', at });
const MERGE_AT = '2026-05-01T00:00:00.000Z';

/** Merges y into x the way the service does: the transfer out of y's account, then the credit on x's from y's transfer event. */
function merge(x: AccountUnderTest, y: AccountUnderTest): { out: PointsAdjustedData; into: PointsAdjustedData[] } {
  const [outEvent] = y.given({ type: 'TransferOnMerge', sourceEventId: 'merge-1', survivorId: x.state.customerId, at: MERGE_AT });
  const transfer = y.state.transferOut!;
  const credit = x.given({ type: 'ReceiveMergedAccount', transferEventId: transfer.eventId, mergedId: y.state.customerId, transfer: transfer.transfer, at: MERGE_AT });
  return { out: outEvent.data as PointsAdjustedData, into: credit.map((e) => e.data as PointsAdjustedData) };
}

describe('merging two customers’ accounts', () => {
  it('moves the merged customer’s points (keeping their expiry), orders and tier activity to the survivor, once', () => {
    const x = new AccountUnderTest(DEFAULT_PROGRAM, 'x');
    const y = new AccountUnderTest(DEFAULT_PROGRAM, 'y');
    x.given(order('x1', 60_000, '2026-02-01T00:00:00.000Z'));
    y.given(order('y1', 50_000, '2026-01-01T00:00:00.000Z'), { type: 'RedeemPoints', redemptionId: 'r', points: 200, at: '2026-03-01T00:00:00.000Z' });
    const { out, into } = merge(x, y);
    expect(out).toMatchObject({ kind: 'merge-out', points: -300, balance: 0, mergedInto: 'x', lifetimeEarned: 500 });
    expect(y.state).toMatchObject({ mergedInto: 'x', balance: 0 });
    expect(into[0]).toMatchObject({ kind: 'merge-in', points: 300, balance: 900, lifetimeEarned: 1100, mergedFrom: 'y' });
    expect(x.history.at(-1)).toMatchObject({ type: LOYALTY_TIER_UPGRADED, data: { to: 'silver', qualifying: 1100 } });
    const moved = x.state.lots.find((l) => l.points === 300)!;
    expect(moved).toMatchObject({ remaining: 300, earnedAt: '2026-01-01T00:00:00.000Z', expiresAt: '2027-01-01T00:00:00.000Z' });

    // Redelivered merge: nothing more on either side.
    expect(y.given({ type: 'TransferOnMerge', sourceEventId: 'merge-1', survivorId: 'x', at: MERGE_AT })).toEqual([]);
    expect(x.given({ type: 'ReceiveMergedAccount', transferEventId: y.state.transferOut!.eventId, mergedId: 'y', transfer: y.state.transferOut!.transfer, at: MERGE_AT })).toEqual([]);

    // A refund of the merged customer's order now reverses on the survivor.
    const [refund] = x.given({ type: 'ReverseForRefund', sourceEventId: 'ref', orderId: 'o-y1', amountMinor: 50_000, currency: 'EUR', at: '2026-05-02T00:00:00.000Z' });
    expect(refund.data).toMatchObject({ kind: 'refund', points: -500, balance: 400 });
  });

  it('refuses redemptions and earnings on the merged account, naming the survivor', () => {
    const x = new AccountUnderTest(DEFAULT_PROGRAM, 'x');
    const y = new AccountUnderTest(DEFAULT_PROGRAM, 'y');
    y.given(order('y1', 50_000, '2026-01-01T00:00:00.000Z'));
    merge(x, y);
    expect(y.when({ type: 'RedeemPoints', redemptionId: 'r', points: 100, at: MERGE_AT })).toMatchObject({ ok: false, error: { code: 'account-merged', mergedInto: 'x' } });
    expect(y.when(order('y2', 10_000, MERGE_AT))).toMatchObject({ ok: false, error: { code: 'account-merged' } });
  });

  it('hands a debt over too, paid from the survivor’s points', () => {
    const program = { ...DEFAULT_PROGRAM, refunds: { balanceFloor: -1_000 } };
    const x = new AccountUnderTest(program, 'x');
    const y = new AccountUnderTest(program, 'y');
    x.given(order('x1', 30_000, '2026-02-01T00:00:00.000Z'));
    y.given(order('y1', 50_000, '2026-01-01T00:00:00.000Z'), { type: 'RedeemPoints', redemptionId: 'r', points: 500, at: '2026-01-02T00:00:00.000Z' });
    y.given({ type: 'ReverseForRefund', sourceEventId: 'ref', orderId: 'o-y1', amountMinor: 50_000, currency: 'EUR', at: '2026-01-03T00:00:00.000Z' });
    expect(y.state).toMatchObject({ balance: -500, debt: 500 });
    const { into } = merge(x, y);
    expect(into[0]).toMatchObject({ points: -500, balance: -200 });
    expect(x.state).toMatchObject({ debt: 200, balance: -200 });
    expect(x.state.lots.every((l) => l.remaining === 0)).toBe(true);
  });
});

describe('manual adjustments', () => {
  it('adds points as a new lot that expires like an earning, without counting toward lifetime points or tiers', () => {
    const account = new AccountUnderTest();
    const [added] = account.given({ type: 'AdjustPoints', adjustmentId: 'adj-1', points: 250, reason: 'goodwill', at: '2026-01-01T00:00:00.000Z' });
    expect(added).toEqual({
      type: LOYALTY_POINTS_ADJUSTED,
      data: { points: 250, reason: 'goodwill', kind: 'manual', sourceEventId: 'adj-1', expiresAt: '2027-01-01T00:00:00.000Z', balance: 250, lifetimeEarned: 0 },
    });
    expect(account.state.qualifying).toEqual([]);
    expect(account.given({ type: 'AdjustPoints', adjustmentId: 'adj-1', points: 250, reason: 'goodwill', at: '2026-01-02T00:00:00.000Z' })).toEqual([]);
  });

  it('takes points away FIFO, but never below the balance floor', () => {
    const account = new AccountUnderTest();
    account.given({ type: 'AdjustPoints', adjustmentId: 'adj-1', points: 250, reason: 'goodwill', at: '2026-01-01T00:00:00.000Z' });
    expect(account.when({ type: 'AdjustPoints', adjustmentId: 'adj-2', points: -300, reason: 'correction', at: '2026-01-02T00:00:00.000Z' })).toMatchObject({ ok: false, error: { code: 'insufficient-points' } });
    const [taken] = account.given({ type: 'AdjustPoints', adjustmentId: 'adj-3', points: -200, reason: 'correction', at: '2026-01-02T00:00:00.000Z' });
    expect(taken.data).toMatchObject({ points: -200, balance: 50, lots: [{ points: 200 }] });
    expect(account.when({ type: 'AdjustPoints', adjustmentId: 'adj-4', points: 0, reason: 'nothing', at: '2026-01-02T00:00:00.000Z' })).toMatchObject({ ok: false, error: { code: 'invalid-points' } });
  });
});
