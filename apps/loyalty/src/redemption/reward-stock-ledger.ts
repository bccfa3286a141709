import { IdempotencyConflictError, WrongExpectedRevisionError, type EventStore, type NewEvent } from '@crm/event-store';
import {
  decideConfirm,
  decideRelease,
  decideReserve,
  emptyRewardStock,
  evolveRewardStock,
  rewardStockStreamId,
  type RewardStock,
  type RewardStockEvent,
} from '@crm/loyalty-domain';
import { sleep } from '@crm/messaging';
import { ConcurrencyExhaustedError } from '../accounts/account-commands';
import { KeyedLanes } from '../accounts/keyed-lanes';
import { loyaltyEventId } from '../accounts/loyalty-event-ids';

interface LoadedStock {
  readonly state: RewardStock;
  readonly revision: number;
}

type StockDecider = (state: RewardStock) => { ok: true; events: readonly RewardStockEvent[] } | { ok: false; message: string };

/**
 * The stock of limited rewards, one stream per reward (`reward-stock-<rewardId>`), appended with
 * the expected revision: of two redemptions racing for the last unit, one append fails and is
 * decided again on the newer state, which has no unit left. Streams of this kind are the service's
 * own bookkeeping; the relay does not publish them.
 */
export class RewardStockLedger {
  private readonly cache = new Map<string, LoadedStock>();
  private readonly lanes = new KeyedLanes();

  constructor(
    private readonly store: EventStore,
    private readonly maxAttempts: number,
  ) {}

  async load(rewardId: string): Promise<LoadedStock> {
    const cached = this.cache.get(rewardId);
    const stored = await this.store.readStream(rewardStockStreamId(rewardId), { fromRevision: cached ? cached.revision + 1 : 0 });
    let state = cached?.state ?? emptyRewardStock();
    let revision = cached?.revision ?? -1;
    for (const event of stored) {
      state = evolveRewardStock(state, { type: event.type, data: event.data } as RewardStockEvent);
      revision = event.revision;
    }
    if (!cached || revision > cached.revision) this.cache.set(rewardId, { state, revision });
    return this.cache.get(rewardId) ?? { state, revision };
  }

  /** Holds one unit for the redemption; false when none is left. */
  async reserve(rewardId: string, stock: number, redemptionId: string, customerId: string, at: string): Promise<boolean> {
    return this.execute(rewardId, redemptionId, (state) => {
      const decision = decideReserve(state, stock, rewardId, redemptionId, customerId, at);
      return decision.ok ? decision : { ok: false, message: decision.message };
    });
  }

  /** Takes the unit for good; false when the reservation had been released meanwhile (by the sweep). */
  async confirm(rewardId: string, redemptionId: string, at: string): Promise<boolean> {
    await this.execute(rewardId, redemptionId, (state) => ({ ok: true, events: decideConfirm(state, redemptionId, at) }));
    return (await this.load(rewardId)).state.reservations.get(redemptionId)?.status === 'confirmed';
  }

  async release(rewardId: string, redemptionId: string, reason: string, at: string): Promise<void> {
    await this.execute(rewardId, redemptionId, (state) => ({ ok: true, events: decideRelease(state, redemptionId, reason, at) }));
  }

  private execute(rewardId: string, redemptionId: string, decide: StockDecider): Promise<boolean> {
    return this.lanes.run(rewardId, async () => {
      const streamId = rewardStockStreamId(rewardId);
      for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
        const { state, revision } = await this.load(rewardId);
        const decision = decide(state);
        if (!decision.ok) return false;
        if (decision.events.length === 0) return true;
        // One redemption's n-th reservation (and its confirmation or release) always has the same ids.
        const attempts = (state.reservations.get(redemptionId)?.attempts ?? 0) + (decision.events[0].type.endsWith('reserved') ? 1 : 0);
        const events: NewEvent[] = decision.events.map((e) => ({
          eventId: loyaltyEventId(streamId, `${redemptionId}:${e.type}:${attempts}`, 0),
          type: e.type,
          data: { ...e.data },
          metadata: { schemaVersion: 1, source: 'loyalty', subject: rewardId, time: e.data.at },
        }));
        try {
          const result = await this.store.appendToStream(streamId, events, { expectedRevision: revision < 0 ? 'no_stream' : revision });
          if (result.duplicate) continue;
          const after = decision.events.reduce(evolveRewardStock, state);
          this.cache.set(rewardId, { state: after, revision: result.nextExpectedRevision });
          return true;
        } catch (error) {
          if (!(error instanceof WrongExpectedRevisionError || error instanceof IdempotencyConflictError)) throw error;
          await sleep(Math.floor(Math.random() * Math.min(50, 2 ** attempt)));
        }
      }
      throw new ConcurrencyExhaustedError(`reward ${rewardId}`, this.maxAttempts);
    });
  }
}
