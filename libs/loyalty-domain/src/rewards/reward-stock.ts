import { millis } from '../time';

/**
 * The stock of one limited reward, event-sourced in its own stream (`reward-stock-<rewardId>`),
 * so that two accounts redeeming the last unit at once are decided one after the other by the
 * stream's optimistic concurrency. A redemption reserves a unit before it spends points, then
 * confirms it; a reservation that is never confirmed (the redemption failed or its process died)
 * is released, by the redemption itself or by the scheduled sweep.
 * These events are the loyalty service's own bookkeeping: the relay does not publish them.
 */
export const REWARD_STOCK_RESERVED = 'crm.loyalty.reward-stock-reserved';
export const REWARD_STOCK_CONFIRMED = 'crm.loyalty.reward-stock-confirmed';
export const REWARD_STOCK_RELEASED = 'crm.loyalty.reward-stock-released';

export const rewardStockStreamId = (rewardId: string): string => `reward-stock-${rewardId}`;

export type RewardStockEvent =
  | { readonly type: typeof REWARD_STOCK_RESERVED; readonly data: { readonly redemptionId: string; readonly customerId: string; readonly at: string } }
  | { readonly type: typeof REWARD_STOCK_CONFIRMED; readonly data: { readonly redemptionId: string; readonly at: string } }
  | { readonly type: typeof REWARD_STOCK_RELEASED; readonly data: { readonly redemptionId: string; readonly reason: string; readonly at: string } };

export type ReservationStatus = 'reserved' | 'confirmed' | 'released';

export interface Reservation {
  readonly redemptionId: string;
  readonly customerId: string;
  readonly status: ReservationStatus;
  readonly reservedAt: string;
  /** How many times this redemption reserved (a released reservation may be taken again by a retry). */
  readonly attempts: number;
}

export interface RewardStock {
  /** Units held by reservations and confirmed redemptions. */
  readonly taken: number;
  readonly reservations: ReadonlyMap<string, Reservation>;
}

export const emptyRewardStock = (): RewardStock => ({ taken: 0, reservations: new Map() });

const holds = (status: ReservationStatus | undefined): boolean => status === 'reserved' || status === 'confirmed';

export function evolveRewardStock(state: RewardStock, event: RewardStockEvent): RewardStock {
  const reservations = new Map(state.reservations);
  const before = reservations.get(event.data.redemptionId);
  switch (event.type) {
    case REWARD_STOCK_RESERVED:
      reservations.set(event.data.redemptionId, {
        redemptionId: event.data.redemptionId,
        customerId: event.data.customerId,
        status: 'reserved',
        reservedAt: event.data.at,
        attempts: (before?.attempts ?? 0) + 1,
      });
      break;
    case REWARD_STOCK_CONFIRMED:
      if (!before) return state;
      reservations.set(event.data.redemptionId, { ...before, status: 'confirmed' });
      break;
    case REWARD_STOCK_RELEASED:
      if (!before) return state;
      reservations.set(event.data.redemptionId, { ...before, status: 'released' });
      break;
  }
  const after = reservations.get(event.data.redemptionId);
  const taken = state.taken + (holds(after?.status) ? 1 : 0) - (holds(before?.status) ? 1 : 0);
  return { taken, reservations };
}

export const remainingStock = (state: RewardStock, stock: number): number => Math.max(0, stock - state.taken);

export type StockDecision = { readonly ok: true; readonly events: readonly RewardStockEvent[] } | { readonly ok: false; readonly code: 'out-of-stock'; readonly message: string };

/** Reserve one unit for a redemption; a redemption that already holds one reserves nothing more. */
export function decideReserve(state: RewardStock, stock: number, rewardId: string, redemptionId: string, customerId: string, at: string): StockDecision {
  if (holds(state.reservations.get(redemptionId)?.status)) return { ok: true, events: [] };
  if (state.taken >= stock) return { ok: false, code: 'out-of-stock', message: `reward ${rewardId} is out of stock` };
  return { ok: true, events: [{ type: REWARD_STOCK_RESERVED, data: { redemptionId, customerId, at } }] };
}

/** The redemption went through: its unit is taken for good. Confirming twice changes nothing. */
export function decideConfirm(state: RewardStock, redemptionId: string, at: string): RewardStockEvent[] {
  return state.reservations.get(redemptionId)?.status === 'reserved' ? [{ type: REWARD_STOCK_CONFIRMED, data: { redemptionId, at } }] : [];
}

/** Give a unit back (a failed or reversed redemption). Releasing twice changes nothing. */
export function decideRelease(state: RewardStock, redemptionId: string, reason: string, at: string): RewardStockEvent[] {
  return holds(state.reservations.get(redemptionId)?.status) ? [{ type: REWARD_STOCK_RELEASED, data: { redemptionId, reason, at } }] : [];
}

/** Reservations still unconfirmed `timeoutMs` after they were made: the sweep checks each against its account. */
export function staleReservations(state: RewardStock, at: string, timeoutMs: number): Reservation[] {
  return [...state.reservations.values()].filter((r) => r.status === 'reserved' && millis(r.reservedAt) + timeoutMs <= millis(at));
}
