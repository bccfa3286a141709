import { loyaltyStreamId } from '@crm/contracts';
import { InMemoryEventStore } from '@crm/event-store';
import { DEFAULT_PROGRAM, foldAccount, rewardStockStreamId, type LoyaltyProgram } from '@crm/loyalty-domain';
import { Redemptions } from '../redemption/redemptions';
import { RewardStockLedger } from '../redemption/reward-stock-ledger';
import { AccountCommands } from './account-commands';
import { loyaltyEventFromStored } from './loyalty-event-mapping';

// Two "processes" (each its own AccountCommands, cache and lanes) on one store: only the stream's
// expected revision keeps them apart.
function twoProcesses(program: LoyaltyProgram = DEFAULT_PROGRAM) {
  const store = new InMemoryEventStore();
  let conflicts = 0;
  const make = () => {
    const accounts = new AccountCommands(store, program, { maxAttempts: 100, cacheSize: 100, onConflict: () => conflicts++ });
    return { accounts, redemptions: new Redemptions(accounts, new RewardStockLedger(store, 100), program) };
  };
  return { store, a: make(), b: make(), conflicts: () => conflicts };
}

const AT = '2026-03-01T10:00:00.000Z';

describe('account commands under concurrency', () => {
  it('never lets parallel redemptions from two processes spend more than the balance', async () => {
    const { store, a, b, conflicts } = twoProcesses();
    await a.accounts.execute('c-1', { type: 'EarnForOrder', sourceEventId: 'e-1', orderId: 'o-1', totalMinor: 100_000, currency: 'EUR', at: AT }); // 1000 points
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? a : b).redemptions.redeem({ customerId: 'c-1', requestId: `req-${i}`, points: 100, at: AT })),
    );
    expect(answers.filter((x) => x.ok)).toHaveLength(10);
    expect(answers.filter((x) => !x.ok).map((x) => !x.ok && x.error.code)).toEqual(Array(30).fill('insufficient-points'));
    expect(conflicts()).toBeGreaterThan(0); // the two processes did race
    const state = foldAccount('c-1', (await store.readStream(loyaltyStreamId('c-1'))).map(loyaltyEventFromStored));
    expect(state.balance).toBe(0);
    expect(state.redemptions).toHaveLength(10);
  });

  it('applies a retried request once, whichever process gets the retry', async () => {
    const { store, a, b } = twoProcesses();
    await a.accounts.execute('c-1', { type: 'EarnForOrder', sourceEventId: 'e-1', orderId: 'o-1', totalMinor: 100_000, currency: 'EUR', at: AT });
    const [first, retry, concurrent] = await Promise.all([
      a.redemptions.redeem({ customerId: 'c-1', requestId: 'same', points: 300, at: AT }),
      b.redemptions.redeem({ customerId: 'c-1', requestId: 'same', points: 300, at: AT }),
      b.redemptions.redeem({ customerId: 'c-1', requestId: 'same', points: 300, at: AT }),
    ]);
    const ok = [first, retry, concurrent].map((x) => (x.ok ? x.duplicate : x.error.code));
    expect(ok.sort()).toEqual([false, true, true]);
    expect((await store.readStream(loyaltyStreamId('c-1'))).filter((e) => e.type === 'crm.loyalty.points-redeemed')).toHaveLength(1);
  });

  it('is a no-op for a redelivered earning even after other events were appended', async () => {
    const { store, a, b } = twoProcesses();
    const earn = { type: 'EarnForOrder', sourceEventId: 'e-1', orderId: 'o-1', totalMinor: 100_000, currency: 'EUR', at: AT } as const;
    await a.accounts.execute('c-1', earn);
    await b.redemptions.redeem({ customerId: 'c-1', requestId: 'r', points: 200, at: AT });
    const again = await a.accounts.execute('c-1', earn);
    expect(again).toMatchObject({ ok: true, events: [] });
    expect(await store.readStream(loyaltyStreamId('c-1'))).toHaveLength(3); // earned, tier upgraded, redeemed
  });

  it('never oversells a limited reward, and gives refused redemptions’ units back', async () => {
    const program: LoyaltyProgram = {
      ...DEFAULT_PROGRAM,
      rewards: [{ id: 'mug', name: 'Mug', description: '', cost: 100, stock: 3, minTier: null, active: true }],
    };
    const { store, a, b } = twoProcesses(program);
    const customers = Array.from({ length: 8 }, (_, i) => `c-${i}`);
    for (const c of customers) {
      // c-0 cannot afford the mug: its reservation must be released, not kept.
      await a.accounts.execute(c, { type: 'EarnForOrder', sourceEventId: `e-${c}`, orderId: `o-${c}`, totalMinor: c === 'c-0' ? 5_000 : 50_000, currency: 'EUR', at: AT });
    }
    const answers = await Promise.all(customers.map((c, i) => (i % 2 ? a : b).redemptions.redeem({ customerId: c, requestId: 'mug-please', rewardId: 'mug', at: AT })));
    const codes = answers.map((x) => (x.ok ? 'ok' : x.error.code));
    expect(codes.filter((c) => c === 'ok')).toHaveLength(3);
    expect(codes.filter((c) => c === 'out-of-stock').length + codes.filter((c) => c === 'insufficient-points').length).toBe(5);
    const stock = await new RewardStockLedger(store, 10).load('mug');
    expect(stock.state.taken).toBe(3);
    expect([...stock.state.reservations.values()].filter((r) => r.status === 'confirmed')).toHaveLength(3);
    expect((await store.readStream(rewardStockStreamId('mug'))).length).toBeGreaterThanOrEqual(6);
  });
});
