import { decideLoyalty, findReward, loyaltyError, type LoyaltyAccount, type LoyaltyCommand, type LoyaltyError, type LoyaltyProgram } from '@crm/loyalty-domain';
import type { AccountCommands, CommandOutcome } from '../accounts/account-commands';
import { redemptionIdFor, rewardCodeFor } from '../accounts/loyalty-event-ids';
import type { RewardStockLedger } from './reward-stock-ledger';

export interface RedemptionView {
  readonly redemptionId: string;
  readonly customerId: string;
  readonly points: number;
  readonly rewardId: string | null;
  readonly code: string | null;
  readonly reversed: boolean;
  /** The account's available points right after this answer was decided. */
  readonly balance: number;
}

export type RedemptionAnswer = { readonly ok: true; readonly redemption: RedemptionView; readonly duplicate: boolean } | { readonly ok: false; readonly error: LoyaltyError };

export type RedeemRequest = { readonly customerId: string; readonly requestId: string; readonly at: string } & ({ readonly rewardId: string } | { readonly points: number });

/**
 * Redeeming points or a reward, and reversing a redemption. Points are protected by the account
 * stream's optimistic concurrency (see AccountCommands). A reward with limited stock is reserved
 * in its stock stream before the points are spent, confirmed after, and released when the
 * redemption is refused, so stock is never oversold and never lost to a failed redemption; a
 * reservation left behind by a crash is settled by the scheduled sweep (MaintenanceRuns).
 */
export class Redemptions {
  constructor(
    private readonly accounts: AccountCommands,
    private readonly stock: RewardStockLedger,
    private readonly program: LoyaltyProgram,
  ) {}

  async redeem(request: RedeemRequest): Promise<RedemptionAnswer> {
    const { customerId, at } = request;
    const redemptionId = redemptionIdFor(customerId, request.requestId);
    const command: LoyaltyCommand =
      'rewardId' in request
        ? { type: 'RedeemReward', redemptionId, rewardId: request.rewardId, code: rewardCodeFor(redemptionId), at }
        : { type: 'RedeemPoints', redemptionId, points: request.points, at };
    const reward = 'rewardId' in request ? findReward(this.program, request.rewardId) : undefined;
    if (!reward || reward.stock === null) return this.answer(await this.accounts.execute(customerId, command), redemptionId);

    // Check the account first, so a redemption it would refuse never touches the stock.
    const { state } = await this.accounts.accounts.load(customerId);
    const preview = decideLoyalty(command, state, this.program);
    if (!preview.ok) return { ok: false, error: preview.error };
    if (preview.events.length === 0) {
      await this.stock.confirm(reward.id, redemptionId, at); // finishes a redemption interrupted after its points were spent
      return this.answer({ ok: true, events: [], state }, redemptionId);
    }
    if (!(await this.stock.reserve(reward.id, reward.stock, redemptionId, customerId, at))) {
      return { ok: false, error: loyaltyError('out-of-stock', `reward ${reward.id} is out of stock`) };
    }
    let outcome: CommandOutcome;
    try {
      outcome = await this.accounts.execute(customerId, command);
    } catch (error) {
      await this.stock.release(reward.id, redemptionId, `redemption failed: ${(error as Error).message}`, at);
      throw error;
    }
    if (!outcome.ok) {
      await this.stock.release(reward.id, redemptionId, `redemption refused: ${outcome.error.code}`, at);
      return { ok: false, error: outcome.error };
    }
    if (!(await this.stock.confirm(reward.id, redemptionId, at))) {
      // The sweep released the unit while the points were being spent: take one again, or give the points back.
      const again = (await this.stock.reserve(reward.id, reward.stock, redemptionId, customerId, at)) && (await this.stock.confirm(reward.id, redemptionId, at));
      if (!again) {
        await this.accounts.execute(customerId, { type: 'ReverseRedemption', redemptionId, reason: `reward ${reward.id} ran out of stock`, at });
        return { ok: false, error: loyaltyError('out-of-stock', `reward ${reward.id} is out of stock`) };
      }
    }
    return this.answer(outcome, redemptionId);
  }

  async reverse(customerId: string, redemptionId: string, reason: string, at: string): Promise<RedemptionAnswer> {
    const outcome = await this.accounts.execute(customerId, { type: 'ReverseRedemption', redemptionId, reason, at });
    if (!outcome.ok) return { ok: false, error: outcome.error };
    const redemption = outcome.state.redemptions.find((r) => r.redemptionId === redemptionId);
    const reward = redemption?.rewardId ? findReward(this.program, redemption.rewardId) : undefined;
    // Also on a repeated reversal: finishes one interrupted between the two appends.
    if (reward && reward.stock !== null) await this.stock.release(reward.id, redemptionId, 'redemption reversed', at);
    return this.answer(outcome, redemptionId);
  }

  private answer(outcome: CommandOutcome, redemptionId: string): RedemptionAnswer {
    if (!outcome.ok) return { ok: false, error: outcome.error };
    const view = redemptionView(outcome.state, redemptionId);
    if (!view) throw new Error(`redemption ${redemptionId} missing from account ${outcome.state.customerId} after it was applied`);
    return { ok: true, redemption: view, duplicate: outcome.events.length === 0 };
  }
}

export function redemptionView(state: LoyaltyAccount, redemptionId: string): RedemptionView | null {
  const r = state.redemptions.find((x) => x.redemptionId === redemptionId);
  if (!r) return null;
  return { redemptionId, customerId: state.customerId, points: r.points, rewardId: r.rewardId, code: r.code, reversed: r.reversed, balance: state.balance };
}
