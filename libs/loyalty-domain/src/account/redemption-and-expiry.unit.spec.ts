import { LOYALTY_POINTS_EXPIRED, LOYALTY_POINTS_REDEEMED, LOYALTY_REDEMPTION_REVERSED, LOYALTY_REWARD_ISSUED } from '@crm/contracts';
import { DEFAULT_PROGRAM, type LoyaltyProgram } from '../program/loyalty-program';
import { AccountUnderTest } from '../testing/account-test-kit';
import type { LoyaltyCommand } from './loyalty-commands';

const order = (id: string, totalMinor: number, at: string): LoyaltyCommand => ({ type: 'EarnForOrder', sourceEventId: id, orderId: `o-${id}`, totalMinor, currency: 'EUR', at });
const redeem = (id: string, points: number, at = '2026-06-01T00:00:00.000Z'): LoyaltyCommand => ({ type: 'RedeemPoints', redemptionId: id, points, at });
const reward = (id: string, rewardId: string, at = '2026-06-01T00:00:00.000Z'): LoyaltyCommand => ({ type: 'RedeemReward', redemptionId: id, rewardId, code: `CODE-${id}`, at });
const expire = (at: string): LoyaltyCommand => ({ type: 'ExpireDueLots', at });

/** Three earnings of 100, 200 and 300 points in January, February and March 2026 (expiring a year later). */
function accountWithThreeLots(program: LoyaltyProgram = DEFAULT_PROGRAM): AccountUnderTest {
  const account = new AccountUnderTest(program);
  account.given(order('jan', 10_000, '2026-01-15T00:00:00.000Z'), order('feb', 20_000, '2026-02-15T00:00:00.000Z'), order('mar', 30_000, '2026-03-15T00:00:00.000Z'));
  return account;
}

const lotsByOrder = (account: AccountUnderTest) => Object.fromEntries(account.state.lots.map((l) => [l.orderId, l.remaining]));

describe('redeeming points', () => {
  it('spends the soonest-expiring points first (first in, first out)', () => {
    const account = accountWithThreeLots();
    const [redeemed] = account.given(redeem('red-1', 250));
    expect(redeemed).toEqual({
      type: LOYALTY_POINTS_REDEEMED,
      data: { points: 250, redemptionId: 'red-1', lots: [{ lotId: 'evt-1', points: 100 }, { lotId: 'evt-2', points: 150 }], balance: 350, lifetimeEarned: 600 },
    });
    expect(lotsByOrder(account)).toEqual({ 'o-jan': 0, 'o-feb': 50, 'o-mar': 300 });
  });

  it('refuses to spend more than is available, or less than the minimum, or a fraction', () => {
    const account = accountWithThreeLots();
    expect(account.when(redeem('red-1', 601))).toEqual({ ok: false, error: expect.objectContaining({ code: 'insufficient-points', message: '601 points needed, 600 available' }) });
    expect(account.when(redeem('red-2', 99))).toMatchObject({ ok: false, error: { code: 'below-minimum' } });
    expect(account.when(redeem('red-3', 150.5))).toMatchObject({ ok: false, error: { code: 'invalid-points' } });
    expect(account.state.balance).toBe(600);
  });

  it('is idempotent by request id, and refuses the same id for a different redemption', () => {
    const account = accountWithThreeLots();
    account.given(redeem('red-1', 200));
    expect(account.when(redeem('red-1', 200))).toEqual({ ok: true, events: [] });
    expect(account.when(redeem('red-1', 300))).toMatchObject({ ok: false, error: { code: 'request-id-reused' } });
    expect(account.when(reward('red-1', 'voucher-5'))).toMatchObject({ ok: false, error: { code: 'request-id-reused' } });
    expect(account.state.balance).toBe(400);
  });
});

describe('redeeming rewards', () => {
  it('spends the reward’s cost and issues it with its code', () => {
    const account = accountWithThreeLots();
    const events = account.given(reward('red-1', 'voucher-5'));
    expect(events.map((e) => e.type)).toEqual([LOYALTY_POINTS_REDEEMED, LOYALTY_REWARD_ISSUED]);
    expect(events[0].data).toMatchObject({ points: 500, rewardId: 'voucher-5', balance: 100 });
    expect(events[1].data).toEqual({ rewardId: 'voucher-5', redemptionId: 'red-1', code: 'CODE-red-1', rewardName: '5 € voucher' });
    expect(account.state.redemptions[0]).toMatchObject({ rewardId: 'voucher-5', code: 'CODE-red-1', reversed: false });
  });

  it('refuses unknown and inactive rewards, rewards above the account’s tier, and rewards it cannot afford', () => {
    const inactive: LoyaltyProgram = { ...DEFAULT_PROGRAM, rewards: DEFAULT_PROGRAM.rewards.map((r) => (r.id === 'free-shipping' ? { ...r, active: false } : r)) };
    const account = accountWithThreeLots(inactive);
    expect(account.when(reward('a', 'yacht'))).toMatchObject({ ok: false, error: { code: 'unknown-reward' } });
    expect(account.when(reward('b', 'free-shipping'))).toMatchObject({ ok: false, error: { code: 'reward-unavailable' } });
    expect(account.when(reward('c', 'tote-bag'))).toMatchObject({ ok: false, error: { code: 'tier-too-low', message: expect.stringContaining('needs tier silver') } });
    account.given(redeem('d', 200));
    expect(account.when(reward('e', 'voucher-5'))).toMatchObject({ ok: false, error: { code: 'insufficient-points' } });
  });
});

describe('reversing a redemption', () => {
  it('returns the points to the lots they came from, once', () => {
    const account = accountWithThreeLots();
    account.given(redeem('red-1', 250));
    const [reversed] = account.given({ type: 'ReverseRedemption', redemptionId: 'red-1', reason: 'order cancelled', at: '2026-06-02T00:00:00.000Z' });
    expect(reversed).toEqual({
      type: LOYALTY_REDEMPTION_REVERSED,
      data: { redemptionId: 'red-1', points: 250, reason: 'order cancelled', lots: [{ lotId: 'evt-1', points: 100 }, { lotId: 'evt-2', points: 150 }], balance: 600, lifetimeEarned: 600 },
    });
    expect(lotsByOrder(account)).toEqual({ 'o-jan': 100, 'o-feb': 200, 'o-mar': 300 });
    expect(account.given({ type: 'ReverseRedemption', redemptionId: 'red-1', reason: 'again', at: '2026-06-03T00:00:00.000Z' })).toEqual([]);
    expect(account.when({ type: 'ReverseRedemption', redemptionId: 'nope', reason: 'x', at: '2026-06-03T00:00:00.000Z' })).toMatchObject({ ok: false, error: { code: 'unknown-redemption' } });
  });
});

describe('expiry', () => {
  it('expires what is left of each lot on its date, oldest first, and running again expires nothing more', () => {
    const account = accountWithThreeLots();
    account.given(redeem('red-1', 150)); // January's lot gone, February's down to 150
    expect(account.given(expire('2027-01-15T00:00:00.000Z'))).toEqual([]); // January's lot is due, but was all spent
    account.given(order('apr', 5_000, '2027-01-20T00:00:00.000Z'));
    const run = '2027-02-20T00:00:00.000Z';
    const [expired] = account.given(expire(run));
    expect(expired).toEqual({ type: LOYALTY_POINTS_EXPIRED, data: { points: 150, runAt: run, lots: [{ lotId: 'evt-2', points: 150 }], balance: 350, lifetimeEarned: 650 } });
    expect(account.given(expire(run))).toEqual([]);
    expect(account.given(expire('2027-02-21T00:00:00.000Z'))).toEqual([]);
    const [march] = account.given(expire('2027-03-15T00:00:00.000Z'));
    expect(march.data).toMatchObject({ points: 300, balance: 50 });
  });

  it('never expires points when the program has no expiry', () => {
    const account = accountWithThreeLots({ ...DEFAULT_PROGRAM, expiry: null });
    expect(account.state.lots.every((l) => l.expiresAt === null)).toBe(true);
    expect(account.given(expire('2099-01-01T00:00:00.000Z'))).toEqual([]);
  });

  it('returns reversed points with their original expiry, so the next run expires them if it has passed', () => {
    const account = accountWithThreeLots();
    account.given(redeem('red-1', 100, '2026-06-01T00:00:00.000Z'));
    account.given({ type: 'ReverseRedemption', redemptionId: 'red-1', reason: 'late cancellation', at: '2027-02-01T00:00:00.000Z' });
    const [expired] = account.given(expire('2027-02-01T00:00:01.000Z'));
    expect(expired.data).toMatchObject({ points: 100, lots: [{ lotId: 'evt-1', points: 100 }] });
  });
});
