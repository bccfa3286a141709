import { LOYALTY_TIER_DOWNGRADED, LOYALTY_TIER_UPGRADED } from '@crm/contracts';
import type { LoyaltyCommand } from '../account/loyalty-commands';
import { DEFAULT_PROGRAM, type LoyaltyProgram, type TierQualification } from '../program/loyalty-program';
import { AccountUnderTest } from '../testing/account-test-kit';
import { addMonths } from '../time';
import { downgradeDueAt, qualifyingAmount, tierProgress } from './tier-qualification';

const order = (id: string, totalMinor: number, at: string, currency = 'EUR'): LoyaltyCommand => ({ type: 'EarnForOrder', sourceEventId: id, orderId: `o-${id}`, totalMinor, currency, at });
const reevaluate = (at: string): LoyaltyCommand => ({ type: 'ReevaluateTier', at });
const qualification = (q: Partial<TierQualification>, downgrade: Partial<TierQualification['downgrade']> = {}): LoyaltyProgram => ({
  ...DEFAULT_PROGRAM,
  tierQualification: { ...DEFAULT_PROGRAM.tierQualification, ...q, downgrade: { ...DEFAULT_PROGRAM.tierQualification.downgrade, ...downgrade } },
});
const noGrace = (mode: 'one-step' | 'to-qualified') => qualification({ windowMonths: 12 }, { graceMonths: 0, mode });

describe('tier qualification', () => {
  it('counts points earned in the rolling window only', () => {
    const account = new AccountUnderTest();
    account.given(order('a', 60_000, '2026-01-10T00:00:00.000Z'), order('b', 50_000, '2026-06-10T00:00:00.000Z'));
    expect(qualifyingAmount(account.state, DEFAULT_PROGRAM, '2026-12-31T00:00:00.000Z')).toBe(600 + 500);
    expect(qualifyingAmount(account.state, DEFAULT_PROGRAM, '2027-01-09T23:59:59.999Z')).toBe(1100);
    expect(qualifyingAmount(account.state, DEFAULT_PROGRAM, '2027-01-10T00:00:00.000Z')).toBe(500); // January's points left the window
  });

  it('counts spend in the program’s currency when tiers go by spend', () => {
    const bySpend = qualification({ basis: 'spend', spendCurrency: 'EUR' });
    const program: LoyaltyProgram = { ...bySpend, tiers: [{ id: 'base', name: 'Base', threshold: 0, earnMultiplier: 1 }, { id: 'vip', name: 'VIP', threshold: 100_000, earnMultiplier: 1 }] };
    const account = new AccountUnderTest(program);
    account.given(order('a', 90_000, '2026-01-10T00:00:00.000Z'), order('b', 50_000, '2026-01-11T00:00:00.000Z', 'USD'));
    expect(account.state.tier).toBeNull();
    const events = account.given(order('c', 10_000, '2026-01-12T00:00:00.000Z'));
    expect(events.at(-1)).toMatchObject({ type: LOYALTY_TIER_UPGRADED, data: { to: 'vip', qualifying: 100_000 } });
  });

  it('shows progress to the next tier', () => {
    const account = new AccountUnderTest();
    account.given(order('a', 30_000, '2026-01-10T00:00:00.000Z'));
    expect(tierProgress(account.state, DEFAULT_PROGRAM, '2026-02-01T00:00:00.000Z')).toMatchObject({
      tier: { id: 'bronze' }, qualifying: 300, next: { tier: { id: 'silver' }, remaining: 700 }, downgradeDueAt: null,
    });
  });
});

describe('tier re-evaluation', () => {
  it('keeps a tier for the grace period, then moves down one step at a time', () => {
    const account = new AccountUnderTest(qualification({ windowMonths: 12 }, { graceMonths: 18, mode: 'one-step' }));
    account.given(order('a', 500_000, '2026-01-10T00:00:00.000Z'));
    expect(account.state.tier).toBe('gold');
    expect(account.given(reevaluate('2027-01-09T23:59:59.999Z'))).toEqual([]); // points still in the window
    expect(account.given(reevaluate('2027-01-10T00:00:00.000Z'))).toEqual([]); // out of the window, but within the grace period
    expect(account.given(reevaluate('2027-07-09T23:59:59.999Z'))).toEqual([]);
    const downgrade = account.given(reevaluate('2027-07-10T00:00:00.000Z'));
    expect(downgrade).toEqual([{ type: LOYALTY_TIER_DOWNGRADED, data: expect.objectContaining({ from: 'gold', to: 'silver', qualifying: 0 }) }]);
    expect(account.given(reevaluate('2027-07-10T00:00:00.001Z'))).toEqual([]); // the new tier has its own grace period
    expect(account.given(reevaluate('2029-01-10T00:00:00.000Z'))[0]).toMatchObject({ data: { from: 'silver', to: 'bronze' } });
    expect(account.given(reevaluate('2031-01-10T00:00:00.000Z'))).toEqual([]); // nothing below the lowest tier
  });

  it('can move straight to the tier the account qualifies for', () => {
    const account = new AccountUnderTest(noGrace('to-qualified'));
    account.given(order('a', 500_000, '2026-01-10T00:00:00.000Z'), order('b', 20_000, '2026-06-10T00:00:00.000Z'));
    const [change] = account.given(reevaluate('2027-01-10T00:00:00.000Z'));
    expect(change.data).toMatchObject({ from: 'gold', to: 'bronze', qualifying: 300 });
  });

  it('re-evaluates idempotently: twice at the same time changes the tier once', () => {
    const account = new AccountUnderTest(noGrace('one-step'));
    account.given(order('a', 150_000, '2026-01-10T00:00:00.000Z'));
    expect(account.given(reevaluate('2027-02-01T00:00:00.000Z'))).toHaveLength(1);
    expect(account.given(reevaluate('2027-02-01T00:00:00.000Z'))).toEqual([]);
  });

  it('foresees when a downgrade becomes due, which is exactly when re-evaluation first downgrades', () => {
    const program = noGrace('one-step');
    const account = new AccountUnderTest(program);
    account.given(order('a', 70_000, '2026-01-10T00:00:00.000Z'), order('b', 40_000, '2026-03-10T00:00:00.000Z'), order('c', 60_000, '2026-05-10T00:00:00.000Z'));
    expect(account.state.tier).toBe('silver'); // 700 + 400 ≥ 1000
    // January's 700 leave on 2027-01-10; then 400 + 600 still qualify; March's 400 leave on 2027-03-10: 600 < 1000.
    const due = downgradeDueAt(account.state, program);
    expect(due).toBe('2027-03-10T00:00:00.000Z');
    const justBefore = new Date(Date.parse(due!) - 1).toISOString();
    expect(account.when(reevaluate(justBefore))).toEqual({ ok: true, events: [] });
    expect(account.given(reevaluate(due!))).toHaveLength(1);
  });

  it('waits for the grace period in the due date too', () => {
    const account = new AccountUnderTest(qualification({ windowMonths: 12 }, { graceMonths: 18 }));
    account.given(order('a', 100_000, '2026-01-10T00:00:00.000Z'));
    expect(downgradeDueAt(account.state, account.program)).toBe(addMonths('2026-01-10T00:00:00.000Z', 18));
  });

  it('never downgrades on a lifetime basis unless refunds take the points away', () => {
    const program = qualification({ windowMonths: null }, { graceMonths: 0 });
    const account = new AccountUnderTest(program);
    account.given(order('a', 100_000, '2026-01-10T00:00:00.000Z'));
    expect(downgradeDueAt(account.state, program)).toBeNull();
    expect(account.given(reevaluate('2036-01-01T00:00:00.000Z'))).toEqual([]);
    account.given({ type: 'ReverseForRefund', sourceEventId: 'r', orderId: 'o-a', amountMinor: 100_000, currency: 'EUR', at: '2036-01-02T00:00:00.000Z' });
    expect(downgradeDueAt(account.state, program)).not.toBeNull();
    expect(account.given(reevaluate('2036-01-03T00:00:00.000Z'))[0]).toMatchObject({ data: { to: 'bronze' } });
  });
});
