import {
  decideConfirm,
  decideRelease,
  decideReserve,
  emptyRewardStock,
  evolveRewardStock,
  remainingStock,
  staleReservations,
  type RewardStock,
  type RewardStockEvent,
} from './reward-stock';

const AT = '2026-03-01T10:00:00.000Z';
const apply = (state: RewardStock, events: readonly RewardStockEvent[]) => events.reduce(evolveRewardStock, state);

function reserve(state: RewardStock, redemptionId: string, stock = 2): RewardStock {
  const decision = decideReserve(state, stock, 'tote-bag', redemptionId, `c-${redemptionId}`, AT);
  if (!decision.ok) throw new Error(decision.message);
  return apply(state, decision.events);
}

describe('reward stock', () => {
  it('reserves units until none is left; a redemption never holds two', () => {
    let stock = reserve(emptyRewardStock(), 'r1');
    stock = reserve(stock, 'r1');
    expect(remainingStock(stock, 2)).toBe(1);
    stock = reserve(stock, 'r2');
    expect(remainingStock(stock, 2)).toBe(0);
    expect(decideReserve(stock, 2, 'tote-bag', 'r3', 'c', AT)).toEqual({ ok: false, code: 'out-of-stock', message: 'reward tote-bag is out of stock' });
  });

  it('gives a unit back on release, once, so another redemption can take it', () => {
    let stock = reserve(reserve(emptyRewardStock(), 'r1'), 'r2');
    stock = apply(stock, decideRelease(stock, 'r1', 'insufficient points', AT));
    expect(decideRelease(stock, 'r1', 'again', AT)).toEqual([]);
    expect(remainingStock(stock, 2)).toBe(1);
    stock = reserve(stock, 'r3');
    expect(remainingStock(stock, 2)).toBe(0);
    // A retry of the released redemption may reserve again (if there is stock), as its second attempt.
    stock = apply(stock, decideRelease(stock, 'r3', 'x', AT));
    stock = reserve(stock, 'r1');
    expect(stock.reservations.get('r1')).toMatchObject({ status: 'reserved', attempts: 2 });
  });

  it('confirms a reservation once and keeps the unit taken', () => {
    let stock = reserve(emptyRewardStock(), 'r1');
    stock = apply(stock, decideConfirm(stock, 'r1', AT));
    expect(decideConfirm(stock, 'r1', AT)).toEqual([]);
    expect(stock.reservations.get('r1')?.status).toBe('confirmed');
    expect(remainingStock(stock, 2)).toBe(1);
    // A reversed redemption releases a confirmed unit.
    stock = apply(stock, decideRelease(stock, 'r1', 'redemption reversed', AT));
    expect(remainingStock(stock, 2)).toBe(2);
  });

  it('finds reservations left unconfirmed past the timeout', () => {
    let stock = reserve(reserve(emptyRewardStock(), 'r1'), 'r2');
    stock = apply(stock, decideConfirm(stock, 'r2', AT));
    expect(staleReservations(stock, '2026-03-01T10:04:59.999Z', 300_000)).toEqual([]);
    expect(staleReservations(stock, '2026-03-01T10:05:00.000Z', 300_000).map((r) => r.redemptionId)).toEqual(['r1']);
  });
});
