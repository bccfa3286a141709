import fc from 'fast-check';
import { DEFAULT_PROGRAM, type LoyaltyProgram } from '../program/loyalty-program';
import { AccountUnderTest } from '../testing/account-test-kit';
import { addDays } from '../time';
import { commandKey, type LoyaltyCommand } from './loyalty-commands';

/**
 * Any sequence of commands keeps the account's invariants (checked by AccountUnderTest after every
 * event: balance = lots − debt, no debt beside points, never below the floor, every event's
 * balances equal the state's), and deciding an applied keyed command again decides nothing.
 */
const START = '2026-01-01T00:00:00.000Z';

const step = fc.oneof(
  fc.record({ kind: fc.constant('order' as const), order: fc.integer({ min: 0, max: 5 }), totalMinor: fc.integer({ min: 0, max: 300_000 }) }),
  fc.record({ kind: fc.constant('refund' as const), order: fc.integer({ min: 0, max: 5 }), amountMinor: fc.integer({ min: 1, max: 300_000 }) }),
  fc.record({ kind: fc.constant('redeem' as const), points: fc.integer({ min: 1, max: 3_000 }) }),
  fc.record({ kind: fc.constant('reward' as const), reward: fc.constantFrom('voucher-5', 'free-shipping', 'tote-bag', 'nope') }),
  fc.record({ kind: fc.constant('reverse' as const), which: fc.nat() }),
  fc.record({ kind: fc.constant('expire' as const) }),
  fc.record({ kind: fc.constant('tier' as const) }),
  fc.record({ kind: fc.constant('adjust' as const), points: fc.integer({ min: -2_000, max: 2_000 }) }),
  fc.record({ kind: fc.constant('review' as const) }),
);

type Step = typeof step extends fc.Arbitrary<infer T> ? T : never;

function commandFor(s: Step, i: number, at: string, account: AccountUnderTest): LoyaltyCommand {
  switch (s.kind) {
    case 'order':
      return { type: 'EarnForOrder', sourceEventId: `order-${s.order}`, orderId: `o-${s.order}`, totalMinor: s.totalMinor, currency: 'EUR', at };
    case 'refund':
      return { type: 'ReverseForRefund', sourceEventId: `refund-${i}`, orderId: `o-${s.order}`, amountMinor: s.amountMinor, currency: 'EUR', at };
    case 'redeem':
      return { type: 'RedeemPoints', redemptionId: `red-${i}`, points: s.points, at };
    case 'reward':
      return { type: 'RedeemReward', redemptionId: `red-${i}`, rewardId: s.reward, code: `code-${i}`, at };
    case 'reverse': {
      const r = account.state.redemptions;
      return { type: 'ReverseRedemption', redemptionId: r.length === 0 ? 'none' : r[s.which % r.length].redemptionId, reason: 'test', at };
    }
    case 'expire':
      return { type: 'ExpireDueLots', at };
    case 'tier':
      return { type: 'ReevaluateTier', at };
    case 'adjust':
      return { type: 'AdjustPoints', adjustmentId: `adj-${i}`, points: s.points, reason: 'test', at };
    case 'review':
      return { type: 'EarnForCustomerEvent', sourceEventId: `review-${i}`, eventType: 'crm.survey.answered', data: { kind: 'free_text' }, at };
  }
}

describe('account invariants under any command sequence', () => {
  it.each([
    ['a floor of 0', DEFAULT_PROGRAM],
    ['a negative floor', { ...DEFAULT_PROGRAM, refunds: { balanceFloor: -500 } } satisfies LoyaltyProgram],
  ])('hold with %s', (_name, program) => {
    fc.assert(
      fc.property(fc.array(fc.tuple(step, fc.integer({ min: 0, max: 120 })), { maxLength: 60 }), (steps) => {
        const account = new AccountUnderTest(program);
        let at = START;
        steps.forEach(([s, days], i) => {
          at = addDays(at, days);
          const command = commandFor(s, i, at, account);
          const decision = account.when(command); // invariants are checked as events are stored
          if (decision.ok && decision.events.length > 0 && commandKey(command) !== null) {
            const again = account.when(command);
            if (again.ok && again.events.length > 0) throw new Error(`${command.type} decided again after it was applied`);
          }
        });
        const redeemed = account.state.redemptions.filter((r) => !r.reversed).reduce((sum, r) => sum + r.points, 0);
        expect(redeemed).toBeLessThanOrEqual(account.history.reduce((sum, e) => sum + Math.max(0, (e.data as { points?: number }).points ?? 0), 0));
      }),
      { numRuns: 300 },
    );
  });
});
