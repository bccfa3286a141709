import type { LotMovement } from '@crm/contracts';
import { millis } from '../time';

/** The points of one earning (or positive adjustment): they expire together. */
export interface PointsLot {
  /** The id of the event that created the lot. */
  readonly lotId: string;
  /** Points the lot started with. */
  readonly points: number;
  /** Points not yet spent, expired, reversed or used to pay a debt. */
  readonly remaining: number;
  readonly earnedAt: string;
  /** null: never expires. */
  readonly expiresAt: string | null;
  /** `order`, an event rule id, `adjustment`, or the rule of a lot taken over in a merge. */
  readonly rule: string;
  readonly sourceEventId?: string;
  readonly orderId?: string;
}

const NEVER = Number.POSITIVE_INFINITY;

/**
 * First in, first out: points that expire soonest are used first; among lots that expire together
 * (or never), the oldest earning first; the lot id breaks ties so the order is total.
 */
export function fifoOrder(a: PointsLot, b: PointsLot): number {
  const ea = a.expiresAt === null ? NEVER : millis(a.expiresAt);
  const eb = b.expiresAt === null ? NEVER : millis(b.expiresAt);
  if (ea !== eb) return ea - eb;
  const d = millis(a.earnedAt) - millis(b.earnedAt);
  if (d !== 0) return d;
  return a.lotId < b.lotId ? -1 : a.lotId > b.lotId ? 1 : 0;
}

export const remainingPoints = (lots: readonly PointsLot[]): number => lots.reduce((sum, l) => sum + l.remaining, 0);

/**
 * Which lots `points` come from, first in first out, starting with `firstLotId` when given (a
 * refund takes back the refunded order's own points first). Takes at most what the lots hold.
 */
export function planDebit(lots: readonly PointsLot[], points: number, firstLotId?: string): LotMovement[] {
  const ordered = [...lots].filter((l) => l.remaining > 0).sort(fifoOrder);
  if (firstLotId !== undefined) {
    const i = ordered.findIndex((l) => l.lotId === firstLotId);
    if (i > 0) ordered.unshift(...ordered.splice(i, 1));
  }
  const movements: LotMovement[] = [];
  let left = points;
  for (const lot of ordered) {
    if (left <= 0) break;
    const take = Math.min(lot.remaining, left);
    movements.push({ lotId: lot.lotId, points: take });
    left -= take;
  }
  return movements;
}

export const movedPoints = (movements: readonly LotMovement[]): number => movements.reduce((sum, m) => sum + m.points, 0);

/** The lots after `movements`, subtracted (`sign` -1) or given back (`sign` +1). Unknown lots are ignored. */
export function moveLots(lots: readonly PointsLot[], movements: readonly LotMovement[], sign: 1 | -1): PointsLot[] {
  if (movements.length === 0) return [...lots];
  const delta = new Map<string, number>();
  for (const m of movements) delta.set(m.lotId, (delta.get(m.lotId) ?? 0) + sign * m.points);
  return lots.map((l) => {
    const d = delta.get(l.lotId);
    return d === undefined ? l : { ...l, remaining: Math.max(0, Math.min(l.points, l.remaining + d)) };
  });
}

/**
 * Points owed are paid from the first points that come in: while there is a debt and points in
 * lots, the lots are drawn down first in first out. Keeps the account's invariant that an account
 * with a debt has no points left in any lot.
 */
export function settleDebt(lots: readonly PointsLot[], debt: number): { lots: PointsLot[]; debt: number } {
  if (debt <= 0) return { lots: [...lots], debt: 0 };
  const plan = planDebit(lots, debt);
  const paid = movedPoints(plan);
  return { lots: moveLots(lots, plan, -1), debt: debt - paid };
}
