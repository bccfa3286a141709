import { getModelToken } from '@nestjs/mongoose';
import type { Model, mongo } from 'mongoose';
import { day, recordFactory } from '../testing/records';
import { profileTestSettings, startProfileApp, stopProfileApp, type ProfileTestApp } from '../testing/profile-test-app';
import { CUSTOMER_PROFILE_MODEL } from './customer-profile.projection';
import { searchFilter, SearchCustomersQuery } from './search-customers.query';

// Real MongoDB-wire server, Kafka and PostgreSQL (for the derived stage changes), isolated per run.
const settings = profileTestSettings();
const r = recordFactory(5000);

const seen = [
  // a1: two orders, gold, in segment vip → repeat customer, DE, net 3000 EUR
  r('a1', 'crm.customer.registered', { email: 'A1@Example.com', firstName: 'Ada', country: 'DE' }, day(0)),
  r('a1', 'crm.order.completed', { orderId: 'a1-o1', totalMinor: 1000, currency: 'EUR' }, day(1)),
  r('a1', 'crm.order.completed', { orderId: 'a1-o2', totalMinor: 2000, currency: 'EUR' }, day(8)),
  r('a1', 'crm.loyalty.tier-upgraded', { from: 'silver', to: 'gold', reason: 'spend' }, day(8), 'loyalty'),
  r('a1', 'crm.loyalty.points-earned', { points: 300, balance: 300, lifetimeEarned: 300, rule: 'order', sourceEventId: 'x', earnedAt: day(8) }, day(8), 'loyalty'),
  r('a1', 'crm.segment.entered', { segmentId: 'vip', segmentName: 'VIP', segmentVersion: 1, reason: 'spend ≥ 20 EUR', at: day(8) }, day(8), 'segment-membership'),
  // a2: one order partly refunded → first-time, DE, net 400 EUR; phone and shop id linked
  r('a2', 'crm.customer.registered', { email: 'a2@example.com', country: 'DE' }, day(2)),
  r('a2', 'crm.order.completed', { orderId: 'a2-o1', totalMinor: 500, currency: 'EUR' }, day(3)),
  r('a2', 'crm.order.refunded', { orderId: 'a2-o1', amountMinor: 100, currency: 'EUR' }, day(4)),
  r('a2', 'crm.identity.linked', { kind: 'phone', value: '+49 (30) 123-4567' }, day(4)),
  r('a2', 'crm.identity.linked', { kind: 'external_id', value: 'cus_2', system: 'shopify' }, day(5)),
  // a3: a lead known by a device
  r('a3', 'crm.lead.captured', { source: 'landing_page' }, day(6)),
  r('a3', 'crm.identity.linked', { kind: 'device_id', value: 'dev-3' }, day(6)),
  // a4: registered only → prospect, FR; was in vip, left it
  r('a4', 'crm.customer.registered', { email: 'a4@example.com', country: 'FR' }, day(7)),
  r('a4', 'crm.segment.entered', { segmentId: 'vip', segmentName: 'VIP', segmentVersion: 1, reason: 'r', at: day(7) }, day(7), 'segment-membership'),
  r('a4', 'crm.segment.exited', { segmentId: 'vip', segmentName: 'VIP', segmentVersion: 1, reason: 'r', at: day(9) }, day(9), 'segment-membership'),
  // a5: four orders in USD → loyal, silver, FR
  r('a5', 'crm.customer.registered', { email: 'a5@example.com', country: 'FR' }, day(1)),
  ...[1, 2, 3, 4].map((i) => r('a5', 'crm.order.completed', { orderId: `a5-o${i}`, totalMinor: 2500, currency: 'USD' }, day(1 + i))),
  r('a5', 'crm.loyalty.tier-upgraded', { from: null, to: 'silver', reason: 'joined' }, day(5), 'loyalty'),
];

let test: ProfileTestApp;
let collection: mongo.Collection<Record<string, unknown>>;
const ids = (body: { items: { customerId: string }[] }) => body.items.map((i) => i.customerId);

beforeAll(async () => {
  test = await startProfileApp(settings);
  collection = test.app.get<Model<Record<string, unknown>>>(getModelToken(CUSTOMER_PROFILE_MODEL)).collection as never;
  await test.readSide.applyToAll(seen);
}, 90_000);

afterAll(() => stopProfileApp(test), 60_000);

describe('GET /v1/customers/:id', () => {
  it('serves the 360 view: identity, contact, stats, stage, loyalty and segments', async () => {
    const res = await test.get('/v1/customers/a1').expect(200);
    expect(res.body).toMatchObject({
      customerId: 'a1',
      email: 'A1@Example.com',
      firstName: 'Ada',
      country: 'DE',
      identifiers: [{ kind: 'email', value: 'a1@example.com' }],
      orders: 2,
      revenue: [{ currency: 'EUR', orders: 2, grossMinor: 3000, refundedMinor: 0, netMinor: 3000, averageOrderValueMinor: 1500 }],
      lifecycleStage: 'repeat-customer',
      lifecycle: { stage: 'repeat-customer', reason: '2 completed orders', since: day(8), changes: 3 },
      loyalty: { tier: 'gold', balance: 300, lifetimeEarned: 300 },
      segments: [{ segmentId: 'vip', segmentName: 'VIP', since: day(8) }],
      _metadata: { name: 'customer-profile', revision: 2, revisions: { loyalty: 1, 'segment-membership': 0 } },
    });
    await test.get('/v1/customers/nobody').expect(404);
  });
});

describe('GET /v1/customers:lookup', () => {
  it.each([
    ['email', 'a1@EXAMPLE.com ', undefined, 'a1'],
    ['phone', '+49 30 1234567', undefined, 'a2'],
    ['phone', '+493012-34567', undefined, 'a2'],
    ['external_id', 'cus_2', 'shopify', 'a2'],
    ['external_id', 'shopify:cus_2', undefined, 'a2'],
    ['device_id', 'dev-3', undefined, 'a3'],
  ])('finds the customer by %s %s', async (kind, value, system, customerId) => {
    const res = await test.get(`/v1/customers:lookup?kind=${kind}&value=${encodeURIComponent(value)}${system ? `&system=${system}` : ''}`).expect(200);
    expect(res.body).toMatchObject({ customerId, matchedBy: { kind } });
  });

  it('answers 404 for an unknown identifier and 400 for a bad kind', async () => {
    await test.get('/v1/customers:lookup?kind=external_id&value=cus_2&system=salesforce').expect(404);
    const res = await test.get('/v1/customers:lookup?kind=fax&value=1').expect(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(['kind']);
  });
});

describe('GET /v1/customers (search)', () => {
  it.each([
    ['stage=repeat-customer', ['a1']],
    ['stage=loyal', ['a5']],
    ['stage=lead', ['a3']],
    ['stage=prospect', ['a4']],
    ['segment=vip', ['a1']],
    ['tier=gold', ['a1']],
    ['tier=silver', ['a5']],
    ['country=DE', ['a1', 'a2']],
    ['country=FR&stage=loyal', ['a5']],
    [`lastSeenFrom=${day(6)}&lastSeenTo=${day(8)}`, ['a4', 'a3']],
    ['currency=EUR&minRevenueMinor=1000', ['a1']],
    ['currency=EUR&maxRevenueMinor=500', ['a2']],
    ['currency=EUR&minRevenueMinor=400&maxRevenueMinor=3000', ['a1', 'a2']],
    ['currency=USD&minRevenueMinor=10000', ['a5']],
    ['currency=USD&minRevenueMinor=10001', []],
  ])('%s → %j, most recently seen first', async (query, expected) => {
    const res = await test.get(`/v1/customers?${query}`).expect(200);
    expect(ids(res.body)).toEqual(expected);
    expect(res.body.total).toBe(expected.length);
  });

  it('pages with a total, and leaves bookkeeping out of the items', async () => {
    const all = await test.get('/v1/customers?pageSize=500').expect(200);
    expect(ids(all.body)).toEqual(['a1', 'a4', 'a3', 'a2', 'a5']);
    const page2 = await test.get('/v1/customers?pageSize=2&page=2').expect(200);
    expect(page2.body).toMatchObject({ page: 2, pageSize: 2, total: 5 });
    expect(ids(page2.body)).toEqual(['a3', 'a2']);
    expect(page2.body.items[0]).not.toHaveProperty('orderHistory');
    expect(page2.body.items[0].lifecycle).not.toHaveProperty('history');
  });

  it('rejects bad filters with field errors (a revenue range needs its currency)', async () => {
    const res = await test.get('/v1/customers?stage=vip&minRevenueMinor=5&lastSeenFrom=yesterday&pageSize=0').expect(400);
    expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['currency', 'lastSeenFrom', 'pageSize', 'stage']);
  });

  it('has an index for every filter; where the server can explain, the search uses one', async () => {
    const indexes = (await collection.listIndexes().toArray()).map((i) => Object.keys(i['key'] as object).join(','));
    for (const key of ['lifecycleStage,lastSeenAt', 'country,lastSeenAt', 'segments.segmentId,lastSeenAt', 'loyalty.tier,lastSeenAt', 'revenue.currency,revenue.netMinor', 'identifiers.kind,identifiers.value', 'lifecycle.nextReviewAt']) {
      expect(indexes).toContain(key);
    }
    const query = (fields: Partial<SearchCustomersQuery>) => Object.assign(new SearchCustomersQuery(), fields);
    for (const q of [query({ stage: 'loyal' }), query({ country: 'DE' }), query({ segment: 'vip' }), query({ tier: 'gold' }), query({ currency: 'EUR', minRevenueMinor: 1 })]) {
      const plan = await explainOrNull(collection.find(searchFilter(q)).sort({ lastSeenAt: -1, _id: 1 }));
      // mongo-java-server has no `explain` (and scans); real MongoDB must not scan the collection
      if (plan !== null) expect(JSON.stringify(plan)).toContain('IXSCAN');
    }
  });
});

async function explainOrNull(cursor: mongo.FindCursor): Promise<unknown> {
  try {
    return (await cursor.explain('queryPlanner'))['queryPlanner'];
  } catch (error) {
    if (/no such command/i.test((error as Error).message)) return null;
    throw error;
  }
}
