import { getConnectionToken } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import { loyaltyStreamId } from '@crm/contracts';
import { addMonths, DEFAULT_PROGRAM, rewardStockStreamId, type LoyaltyProgram } from '@crm/loyalty-domain';
import { authHeader } from '@crm/platform/testing';
import { CustomerEventCommands } from './earning/customer-event-commands';
import { recordFromStoredEvent } from './read-model/read-model-rebuild';
import { LoyaltyTestPlatform, waitFor } from './testing/loyalty-test-platform';

// Real PostgreSQL event store, Kafka and MongoDB-wire server (infra/local/crm-infra up); two
// instances of the service share them, as two replicas would, with a relay as ingest runs it.
const program: LoyaltyProgram = {
  ...DEFAULT_PROGRAM,
  rewards: [...DEFAULT_PROGRAM.rewards, { id: 'mug', name: 'Mug', description: 'Two of them, ever', cost: 100, stock: 2, minTier: null, active: true }],
};

let platform: LoyaltyTestPlatform;

beforeAll(async () => {
  platform = await LoyaltyTestPlatform.start({ instances: 2, program });
}, 120_000);

afterAll(() => platform?.stop(), 60_000);

const balance = (customerId: string) => platform.get(`/v1/loyalty/accounts/${customerId}`);
const balanceWhen = (customerId: string, ok: (body: any) => boolean) =>
  waitFor(`balance of ${customerId}`, async () => {
    const r = await balance(customerId);
    return r.status === 200 && ok(r.body) ? r.body : undefined;
  });
const stream = async (customerId: string) => platform.store.readStream(loyaltyStreamId(customerId));
const redeem = (customerId: string, key: string, body: Record<string, unknown>, instance = 0) =>
  platform.http(instance).post(`/v1/loyalty/accounts/${customerId}/redemptions`).set(authHeader()).set('Idempotency-Key', key).send(body);
const order = (orderId: string, totalMinor: number) => ({ orderId, totalMinor, currency: 'EUR' });

describe('an order journey', () => {
  const c = 'journey-1';

  it('earns for a sign-up and a completed order, shows a placed order as pending, and a refund reverses its share', async () => {
    await platform.customerEvent(c, 'crm.customer.registered', { email: 'journey@example.com' }); // sign-up: 100
    await platform.customerEvent(c, 'crm.order.placed', { ...order('o-2', 20_000), items: [{ sku: 'a', quantity: 1, unitPriceMinor: 20_000 }] });
    await platform.customerEvent(c, 'crm.order.completed', order('o-1', 45_000)); // 450
    const earned = await balanceWhen(c, (b) => b.available === 550 && b.pending === 200);
    expect(earned).toMatchObject({ customerId: c, available: 550, pending: 200, lifetimeEarned: 550, tier: 'bronze', expiringSoon: { points: 0, withinDays: 30 } });
    expect(earned.nextExpiry).toEqual({ points: 100, at: expect.any(String) }); // the sign-up's points, earned first, expire first

    await platform.customerEvent(c, 'crm.order.refunded', { orderId: 'o-1', amountMinor: 15_000, currency: 'EUR' }); // a third: 150
    await balanceWhen(c, (b) => b.available === 400 && b.lifetimeEarned === 400);

    const ledger = await waitFor('ledger', async () => {
      const r = await platform.get(`/v1/loyalty/accounts/${c}/ledger?pageSize=2`);
      return r.body.total === 3 ? r.body : undefined;
    });
    expect(ledger).toMatchObject({ page: 1, pageSize: 2, total: 3 });
    expect(ledger.items.map((i: any) => [i.type, i.points, i.balance])).toEqual([
      ['crm.loyalty.points-adjusted', -150, 400],
      ['crm.loyalty.points-earned', 450, 550],
    ]);
    const older = await platform.get(`/v1/loyalty/accounts/${c}/ledger?page=2&pageSize=2`);
    expect(older.body.items).toEqual([expect.objectContaining({ type: 'crm.loyalty.points-earned', points: 100, description: 'earned for sign-up' })]);

    const tier = await platform.get(`/v1/loyalty/accounts/${c}/tier`);
    expect(tier.body).toMatchObject({ customerId: c, tier: { id: 'bronze' }, qualifying: 400, next: { tier: { id: 'silver' }, remaining: 600 }, basis: 'points', windowMonths: 12 });
  });

  it('earns nothing more when the same customer events are delivered again', async () => {
    const before = await stream(c);
    const customerEvents = (await platform.store.readStream(`customer-${c}`)).map(recordFromStoredEvent);
    await platform.app(1).get(CustomerEventCommands).apply(customerEvents);
    expect(await stream(c)).toHaveLength(before.length);
  });
});

describe('concurrent redemptions', () => {
  it('never overspend: 30 parallel requests over two instances for 1000 points spend exactly 1000', async () => {
    const c = 'redeemer-1';
    await platform.customerEvent(c, 'crm.order.completed', order('o-1', 100_000)); // 1000 points
    await waitFor('earning', async () => ((await stream(c)).length > 0 ? true : undefined));
    const responses = await Promise.all(Array.from({ length: 30 }, (_, i) => redeem(c, `k-${i}`, { points: 100 }, i % 2)));
    const created = responses.filter((r) => r.status === 201);
    expect(created).toHaveLength(10);
    const refused = responses.filter((r) => r.status !== 201);
    expect(refused.map((r) => [r.status, r.body.code])).toEqual(Array(20).fill([409, 'insufficient-points']));
    expect(refused[0].body.message).toBe('100 points needed, 0 available');
    const redeemed = (await stream(c)).filter((e) => e.type === 'crm.loyalty.points-redeemed');
    expect(redeemed).toHaveLength(10);
    expect(redeemed.reduce((sum, e) => sum + Number(e.data['points']), 0)).toBe(1000);

    // A retry of a request that went through answers the original, on either instance.
    const key = created[0].request.getHeader('Idempotency-Key') as string;
    const retry = await redeem(c, key, { points: 100 }, 1);
    expect(retry.status).toBe(200);
    expect(retry.body).toMatchObject({ redemptionId: created[0].body.redemptionId, duplicate: true, points: 100, balance: 0 });
    expect((await redeem(c, key, { points: 200 })).body.code).toBe('request-id-reused');
    await balanceWhen(c, (b) => b.available === 0);
  });

  it('refuses a redemption without a request id, or with both a reward and points', async () => {
    const none = await platform.http().post('/v1/loyalty/accounts/redeemer-1/redemptions').set(authHeader()).send({ points: 100 });
    expect(none.status).toBe(400);
    expect(none.body.errors).toEqual([{ field: 'requestId', messages: [expect.stringContaining('Idempotency-Key')] }]);
    expect((await redeem('redeemer-1', 'both', { points: 100, rewardId: 'mug' })).status).toBe(400);
    expect((await redeem('redeemer-1', 'unknown', { rewardId: 'yacht' })).body).toMatchObject({ statusCode: 404, code: 'unknown-reward' });
  });

  it('never oversells a limited reward, and a reversal gives the unit and the points back', async () => {
    const customers = ['mug-1', 'mug-2', 'mug-3', 'mug-4', 'mug-5'];
    for (const c of customers) await platform.customerEvent(c, 'crm.order.completed', order(`o-${c}`, 20_000));
    for (const c of customers) await waitFor(`earning of ${c}`, async () => ((await stream(c)).length > 0 ? true : undefined));
    const responses = await Promise.all(customers.map((c, i) => redeem(c, 'want-a-mug', { rewardId: 'mug' }, i % 2)));
    expect(responses.map((r) => r.status).sort()).toEqual([201, 201, 409, 409, 409]);
    expect(responses.filter((r) => r.status === 409).every((r) => r.body.code === 'out-of-stock')).toBe(true);
    const winner = responses.find((r) => r.status === 201)!;
    expect(winner.body).toMatchObject({ rewardId: 'mug', points: 100, code: expect.stringMatching(/^[0-9A-F]{12}$/), balance: 100 });

    const rewards = await platform.get('/v1/loyalty/rewards');
    expect(rewards.body.find((r: any) => r.id === 'mug').stock).toEqual({ total: 2, remaining: 0 });

    const reversal = await platform
      .http(1)
      .post(`/v1/loyalty/accounts/${winner.body.customerId}/redemptions/${winner.body.redemptionId}/reversal`)
      .set(authHeader())
      .send({ reason: 'never shipped' });
    expect(reversal.status).toBe(201);
    expect(reversal.body).toMatchObject({ reversed: true, balance: 200 });
    const after = await platform.get('/v1/loyalty/rewards');
    expect(after.body.find((r: any) => r.id === 'mug').stock).toEqual({ total: 2, remaining: 1 });
    expect((await platform.store.readStream(rewardStockStreamId('mug'))).map((e) => e.type)).toEqual(
      expect.arrayContaining(['crm.loyalty.reward-stock-reserved', 'crm.loyalty.reward-stock-confirmed', 'crm.loyalty.reward-stock-released']),
    );
  });
});

describe('scheduled expiry', () => {
  it('expires due points once, even when it runs twice at the same time and again afterwards', async () => {
    const c = 'expiring-1';
    const longAgo = addMonths(new Date().toISOString(), -13);
    await platform.customerEvent(c, 'crm.order.completed', order('o-old', 30_000), { time: longAgo });
    await platform.customerEvent(c, 'crm.order.completed', order('o-new', 5_000));
    await balanceWhen(c, (b) => b.available === 350);

    const run = (instance: number) => platform.http(instance).post('/v1/loyalty/maintenance:run').set(authHeader()).expect(200);
    const [first, second] = await Promise.all([run(0), run(1)]);
    expect(first.body.pointsExpired + second.body.pointsExpired).toBe(300);
    expect((await run(0)).body.pointsExpired).toBe(0);
    const expired = (await stream(c)).filter((e) => e.type === 'crm.loyalty.points-expired');
    expect(expired).toHaveLength(1);
    expect(expired[0].data).toMatchObject({ points: 300, balance: 50 });
    await balanceWhen(c, (b) => b.available === 50 && b.nextExpiry?.points === 50);
    expect((await run(1)).body.pointsExpired).toBe(0);
  });
});

describe('merged customers', () => {
  it("credits the survivor with the merged customer's points once, and answers for the merged id with the survivor", async () => {
    await platform.customerEvent('yuri', 'crm.order.completed', order('o-y', 30_000));
    await platform.customerEvent('xena', 'crm.order.completed', order('o-x', 80_000));
    await balanceWhen('yuri', (b) => b.available === 300);
    await platform.customerEvent('yuri', 'crm.customer.merged', { survivorId: 'xena', mergedId: 'yuri', reason: 'identity', identity: { kind: 'email', value: 'x@example.com' } });
    const xena = await balanceWhen('xena', (b) => b.available === 1100);
    expect(xena).toMatchObject({ tier: 'silver', lifetimeEarned: 1100 });
    const yuri = await balanceWhen('yuri', (b) => b.redirectedFrom === 'yuri');
    expect(yuri).toMatchObject({ customerId: 'xena', available: 1100 });
    const credits = (await stream('xena')).filter((e) => e.type === 'crm.loyalty.points-adjusted');
    expect(credits.map((e) => e.data['kind'])).toEqual(['merge-in']);
    const tiers = await platform.get('/v1/loyalty/tiers');
    expect(tiers.body.find((t: any) => t.tier === 'silver').members).toBeGreaterThanOrEqual(1);
  });
});

describe('read model', () => {
  it('equals a read model rebuilt from scratch from the streams', async () => {
    const result = await waitFor(
      'the live read model to catch up',
      async () => {
        const r = await platform.http().post('/v1/loyalty/read-model:verify').set(authHeader());
        return r.body.equal ? r.body : undefined;
      },
      60_000,
    );
    expect(result.collections).toEqual([
      expect.objectContaining({ collection: 'loyalty_accounts', different: [], notComparable: [] }),
      expect.objectContaining({ collection: 'loyalty_ledger', different: [], notComparable: [] }),
      expect.objectContaining({ collection: 'loyalty_pending_orders', different: [], notComparable: [] }),
    ]);
    expect(result.collections[0].documents).toBeGreaterThanOrEqual(10);
    expect(result.collections[1].documents).toBeGreaterThanOrEqual(30);
  }, 90_000);

  it('refills lost documents by replaying the event store into the live database', async () => {
    const connection = platform.app().get<Connection>(getConnectionToken());
    await connection.collection('loyalty_accounts').deleteOne({ _id: 'yuri' as never });
    await connection.collection('loyalty_ledger').deleteMany({ customerId: 'yuri' });
    expect((await balance('yuri')).status).toBe(404);
    const rebuilt = await platform.http().post('/v1/loyalty/read-model:rebuild').set(authHeader()).send({ database: connection.db!.databaseName }).expect(200);
    expect(rebuilt.body.replayedEvents).toBeGreaterThan(30);
    expect((await balance('yuri')).body).toMatchObject({ customerId: 'xena', redirectedFrom: 'yuri' });
    expect((await platform.get('/v1/loyalty/accounts/yuri/ledger')).body.total).toBe(2); // earned, merged out
    const verify = await platform.http().post('/v1/loyalty/read-model:verify').set(authHeader());
    expect(verify.body.equal).toBe(true);
  }, 60_000);

  it('names a document that no longer matches its events', async () => {
    const accounts = platform.app().get<Connection>(getConnectionToken()).collection('loyalty_accounts');
    await accounts.updateOne({ _id: 'xena' as never }, { $inc: { balance: 1 } });
    const tampered = await platform.http().post('/v1/loyalty/read-model:verify').set(authHeader());
    expect(tampered.body.equal).toBe(false);
    expect(tampered.body.collections[0].different).toEqual(['xena']);
  });
});
