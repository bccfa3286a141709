import type { mongo } from 'mongoose';
import { staleReservations, type LoyaltyProgram } from '@crm/loyalty-domain';
import type { AccountCommands } from '../accounts/account-commands';
import type { RewardStockLedger } from '../redemption/reward-stock-ledger';

export interface MaintenanceReport {
  readonly at: string;
  readonly accountsExpired: number;
  readonly pointsExpired: number;
  readonly tierChanges: number;
  readonly reservationsConfirmed: number;
  readonly reservationsReleased: number;
}

/** Accounts handled at once in a run. */
const PARALLEL_ACCOUNTS = 8;
/** Accounts looked at per query; a run goes on until none is due. */
const PAGE = 500;

/**
 * The scheduled work: expire due points, re-evaluate tiers due for a downgrade, and settle stock
 * reservations left unconfirmed. The read model says which accounts may be due (its
 * `nextExpiryAt` / `tierDowngradeDueAt`), the account streams decide: a command on an account
 * with nothing due decides nothing, so running twice (or in two processes at once) expires and
 * downgrades once. Accounts the read model has not caught up with are found by a later run.
 */
export class MaintenanceRuns {
  constructor(
    private readonly accounts: AccountCommands,
    private readonly stock: RewardStockLedger,
    private readonly program: LoyaltyProgram,
    private readonly readModel: mongo.Collection<Record<string, unknown>>,
    private readonly reservationTimeoutMs: number,
  ) {}

  async run(now: Date = new Date()): Promise<MaintenanceReport> {
    const at = now.toISOString();
    let accountsExpired = 0;
    let pointsExpired = 0;
    let tierChanges = 0;
    await this.forEachDue('nextExpiryAt', at, async (customerId) => {
      const outcome = await this.accounts.execute(customerId, { type: 'ExpireDueLots', at });
      if (!outcome.ok || outcome.events.length === 0) return;
      accountsExpired++;
      pointsExpired += outcome.events.reduce((sum, e) => sum + ((e.data as { points?: number }).points ?? 0), 0);
    });
    await this.forEachDue('tierDowngradeDueAt', at, async (customerId) => {
      const outcome = await this.accounts.execute(customerId, { type: 'ReevaluateTier', at });
      if (outcome.ok) tierChanges += outcome.events.length;
    });
    const { confirmed, released } = await this.settleReservations(at);
    return { at, accountsExpired, pointsExpired, tierChanges, reservationsConfirmed: confirmed, reservationsReleased: released };
  }

  private async forEachDue(field: 'nextExpiryAt' | 'tierDowngradeDueAt', at: string, work: (customerId: string) => Promise<void>): Promise<void> {
    // Paged by id so that accounts the read model still shows as due (it lags) are not fetched again in this run.
    let after = '';
    for (;;) {
      const page = await this.readModel
        .find({ [field]: { $ne: null, $lte: at }, _id: { $gt: after as never } }, { projection: { _id: 1 } })
        .sort({ _id: 1 })
        .limit(PAGE)
        .toArray();
      if (page.length === 0) return;
      const ids = page.map((d) => String(d['_id']));
      after = ids[ids.length - 1];
      const workers = Array.from({ length: Math.min(PARALLEL_ACCOUNTS, ids.length) }, async () => {
        for (let id = ids.shift(); id !== undefined; id = ids.shift()) await work(id);
      });
      await Promise.all(workers);
      if (page.length < PAGE) return;
    }
  }

  /** A reservation the redemption never confirmed: confirmed if the account shows the redemption, released if not. */
  private async settleReservations(at: string): Promise<{ confirmed: number; released: number }> {
    let confirmed = 0;
    let released = 0;
    for (const reward of this.program.rewards) {
      if (reward.stock === null) continue;
      const { state } = await this.stock.load(reward.id);
      for (const reservation of staleReservations(state, at, this.reservationTimeoutMs)) {
        const account = (await this.accounts.accounts.load(reservation.customerId)).state;
        const redemption = account.redemptions.find((r) => r.redemptionId === reservation.redemptionId);
        if (redemption && !redemption.reversed) {
          await this.stock.confirm(reward.id, reservation.redemptionId, at);
          confirmed++;
        } else {
          await this.stock.release(reward.id, reservation.redemptionId, 'not redeemed within the reservation timeout', at);
          released++;
        }
      }
    }
    return { confirmed, released };
  }
}
