import { LOYALTY_POINTS_ADJUSTED } from '@crm/contracts';
import { DEFAULT_PROGRAM, type LoyaltyProgram } from '../program/loyalty-program';
import { AccountUnderTest, points } from '../testing/account-test-kit';
import type { LoyaltyCommand } from './loyalty-commands';

const AT = '2026-03-01T10:00:00.000Z';
const LATER = '2026-03-10T10:00:00.000Z';
const order = (id: string, orderId: string, totalMinor: number, at = AT): LoyaltyCommand => ({ type: 'EarnForOrder', sourceEventId: id, orderId, totalMinor, currency: 'EUR', at });
const refund = (id: string, orderId: string, amountMinor: number, currency = 'EUR'): LoyaltyCommand => ({ type: 'ReverseForRefund', sourceEventId: id, orderId, amountMinor, currency, at: LATER });
const redeem = (id: string, pts: number): LoyaltyCommand => ({ type: 'RedeemPoints', redemptionId: id, points: pts, at: LATER });
const withFloor = (balanceFloor: number): LoyaltyProgram => ({ ...DEFAULT_PROGRAM, refunds: { balanceFloor } });

describe('refunds', () => {
  it('reverses all of an order’s points on a full refund, and lifetime points with them', () => {
    const account = new AccountUnderTest();
    account.given(order('e-1', 'o-1', 20_000), order('e-2', 'o-2', 5_000));
    const [reversal] = account.given(refund('r-1', 'o-1', 20_000));
    expect(reversal).toEqual({
      type: LOYALTY_POINTS_ADJUSTED,
      data: expect.objectContaining({ kind: 'refund', points: -200, orderId: 'o-1', sourceEventId: 'r-1', refundedMinor: 20_000, writtenOff: 0, balance: 50, lifetimeEarned: 50 }),
    });
    // The refunded order's own points were taken, not the other order's.
    expect(account.state.lots.map((l) => [l.orderId, l.remaining])).toEqual([['o-1', 0], ['o-2', 50]]);
  });

  it('reverses partial refunds in proportion, adding up to exactly the order’s points, and never more', () => {
    const account = new AccountUnderTest();
    account.given(order('e-1', 'o-1', 10_001)); // 100 points
    expect(points(account.given(refund('r-1', 'o-1', 3_333)))).toEqual([-33]);
    expect(points(account.given(refund('r-2', 'o-1', 3_333)))).toEqual([-34]);
    expect(points(account.given(refund('r-3', 'o-1', 9_999)))).toEqual([-33]); // more than is left: capped at the order
    expect(account.given(refund('r-4', 'o-1', 100))).toEqual([]); // fully refunded already
    expect(account.state.balance).toBe(0);
  });

  it('is a no-op for a redelivered refund, an unknown order, or another currency', () => {
    const account = new AccountUnderTest();
    account.given(order('e-1', 'o-1', 10_000), refund('r-1', 'o-1', 5_000));
    expect(account.given(refund('r-1', 'o-1', 5_000))).toEqual([]);
    expect(account.given(refund('r-9', 'o-unknown', 5_000))).toEqual([]);
    expect(account.given(refund('r-8', 'o-1', 5_000, 'USD'))).toEqual([]);
    expect(account.state.balance).toBe(50);
  });

  it('takes spent points from other points first, then writes off what the floor of 0 does not allow', () => {
    const account = new AccountUnderTest();
    account.given(order('e-1', 'o-1', 50_000), order('e-2', 'o-2', 10_000), redeem('red-1', 500));
    expect(account.state.balance).toBe(100);
    const [reversal] = account.given(refund('r-1', 'o-1', 50_000));
    expect(reversal.data).toMatchObject({ points: -100, writtenOff: 400, balance: 0, lifetimeEarned: 100 });
    expect((reversal.data as { reason: string }).reason).toMatch(/400 points already spent were written off/);
    expect(account.state.writtenOff).toBe(400);
  });

  it('lets the balance go negative down to a negative floor, and the next points pay the debt first', () => {
    const account = new AccountUnderTest(withFloor(-250));
    account.given(order('e-1', 'o-1', 50_000), redeem('red-1', 500));
    const [reversal] = account.given(refund('r-1', 'o-1', 50_000));
    expect(reversal.data).toMatchObject({ points: -250, writtenOff: 250, balance: -250 });
    expect(account.state.debt).toBe(250);
    account.given(order('e-2', 'o-2', 30_000, LATER));
    expect(account.state).toMatchObject({ balance: 50, debt: 0 });
    expect(account.state.lots.find((l) => l.orderId === 'o-2')).toMatchObject({ points: 300, remaining: 50 });
  });

  it('counts the refund against tier qualification at the order’s date', () => {
    const account = new AccountUnderTest();
    account.given(order('e-1', 'o-1', 120_000));
    expect(account.state.tier).toBe('silver');
    account.given(refund('r-1', 'o-1', 120_000));
    expect(account.state.qualifying.reduce((s, q) => s + q.points, 0)).toBe(0);
    expect(account.state.qualifying.at(-1)).toMatchObject({ at: AT, points: -1200, spendMinor: -120_000 });
  });
});
