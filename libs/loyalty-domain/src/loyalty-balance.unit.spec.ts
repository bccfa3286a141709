import type { EventEnvelope } from '@crm/contracts';
import { absorbLoyaltyBalance, evolveLoyaltyBalance } from './loyalty-balance';
import { DEFAULT_PROGRAM, pointsForOrder, tierFor } from './loyalty-program';

const order = (totalMinor: number): EventEnvelope => ({
  id: 'x', type: 'crm.order.completed', schemaVersion: 1, source: 't', subject: 'c1', time: '2026-01-01T00:00:00.000Z',
  data: { orderId: 'o', totalMinor, currency: 'EUR' },
});

describe('loyalty balance', () => {
  it('earns one point per whole currency unit, rounding down', () => {
    expect(pointsForOrder(1999, DEFAULT_PROGRAM)).toBe(19);
    expect(pointsForOrder(99, DEFAULT_PROGRAM)).toBe(0);
  });

  it('upgrades the tier when lifetime points cross a threshold', () => {
    expect(tierFor(999, DEFAULT_PROGRAM)).toBe('bronze');
    expect(tierFor(1000, DEFAULT_PROGRAM)).toBe('silver');
    expect(tierFor(5000, DEFAULT_PROGRAM)).toBe('gold');
    const b = [order(60_000), order(50_000)].reduce(
      (s: ReturnType<typeof evolveLoyaltyBalance> | null, e) => evolveLoyaltyBalance(s, e, DEFAULT_PROGRAM),
      null,
    )!;
    expect(b).toMatchObject({ balance: 1100, lifetimePoints: 1100, tier: 'silver' });
  });

  it('ignores events that earn nothing', () => {
    const b = evolveLoyaltyBalance(null, { ...order(0), type: 'crm.customer.registered', data: { email: 'a@b.co' } }, DEFAULT_PROGRAM);
    expect(b).toMatchObject({ balance: 0, tier: 'bronze' });
  });
});

describe('loyalty balance across a merge', () => {
  it('gives the survivor the merged customer\'s points and the tier of the combined lifetime points', () => {
    const earn = (subject: string, totalMinor: number) => ({ ...order(totalMinor), subject });
    let y = evolveLoyaltyBalance(null, earn('y', 60_000), DEFAULT_PROGRAM);
    y = evolveLoyaltyBalance(y, { ...earn('y', 0), type: 'crm.customer.merged', data: { survivorId: 'x', mergedId: 'y', reason: 'identity', identity: { kind: 'email', value: 'a@b.co' } } }, DEFAULT_PROGRAM);
    expect(y).toMatchObject({ balance: 600, mergedInto: 'x' });
    const x = evolveLoyaltyBalance(null, earn('x', 50_000), DEFAULT_PROGRAM);
    expect(x.tier).toBe('bronze');
    expect(absorbLoyaltyBalance(x, y, 'x', DEFAULT_PROGRAM)).toMatchObject({ customerId: 'x', balance: 1100, lifetimePoints: 1100, tier: 'silver' });
    expect(absorbLoyaltyBalance(null, y, 'x', DEFAULT_PROGRAM)).toMatchObject({ customerId: 'x', balance: 600, tier: 'bronze' });
  });
});
