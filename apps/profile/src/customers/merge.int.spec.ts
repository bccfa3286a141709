import { lifecycleStreamId } from '@crm/contracts';
import { day, recordFactory } from '../testing/records';
import { profileTestSettings, startProfileApp, stopProfileApp, type ProfileTestApp } from '../testing/profile-test-app';

// Real MongoDB-wire server, Kafka and PostgreSQL, isolated per run.
const settings = profileTestSettings();
const r = recordFactory(2000);

const history = [
  r('mx', 'crm.customer.registered', { email: 'mx@example.com', country: 'DE' }, day(2)),
  r('mx', 'crm.order.completed', { orderId: 'o-x1', totalMinor: 1000, currency: 'EUR' }, day(3)),
  r('my', 'crm.customer.registered', { email: 'my@example.com', country: 'DE', firstName: 'Yo' }, day(1)),
  r('my', 'crm.order.completed', { orderId: 'o-y1', totalMinor: 400, currency: 'EUR' }, day(1, 1)),
  r('my', 'crm.order.completed', { orderId: 'o-y2', totalMinor: 90, currency: 'USD' }, day(1, 2)),
  r('my', 'crm.identity.linked', { kind: 'device_id', value: 'my-phone' }, day(1, 3)),
  r('mx', 'crm.identity.linked', { kind: 'email', value: 'my@example.com' }, day(4)),
  r('my', 'crm.customer.merged', { survivorId: 'mx', mergedId: 'my', reason: 'identity', identity: { kind: 'email', value: 'my@example.com' } }, day(4)),
];

let test: ProfileTestApp;

beforeAll(async () => {
  test = await startProfileApp(settings);
}, 90_000);

afterAll(() => stopProfileApp(test), 60_000);

describe('merged customers in the profile read model', () => {
  const combined = {
    customerId: 'mx',
    email: 'mx@example.com',
    firstName: 'Yo',
    orders: 3,
    revenueMinorByCurrency: { EUR: 1400, USD: 90 },
    firstSeenAt: day(1),
    mergedFrom: ['my'],
  };

  it('takes the merged customer into the survivor once, and answers for the merged id with the survivor', async () => {
    await test.readSide.applyToAll(history);
    const x = await test.get('/v1/customers/mx').expect(200);
    expect(x.body).toMatchObject({ ...combined, _metadata: { absorbed: ['my'] } });
    expect(x.body.redirectedFrom).toBeUndefined();
    expect(x.headers['content-location']).toBeUndefined();
    const y = await test.get('/v1/customers/my').expect(200);
    expect(y.body).toMatchObject({ ...combined, redirectedFrom: 'my' });
    expect(y.headers['content-location']).toBe('/v1/customers/mx');
  });

  it('changes nothing when the batch is applied again', async () => {
    const before = (await test.get('/v1/customers/mx').expect(200)).body;
    await test.readSide.applyToAll(history);
    const after = (await test.get('/v1/customers/mx').expect(200)).body;
    expect(after).toEqual(before);
  });

  it('reviews the survivor’s stage on the combined facts (the sweep publishes it)', async () => {
    expect((await test.get('/v1/customers/mx').expect(200)).body).toMatchObject({ lifecycleStage: 'first-time-customer', lifecycle: { nextReviewAt: day(4) } });
    const swept = await test.sweep.runOnce(new Date(day(5)));
    expect(swept).toMatchObject({ lifecycle: { reviewed: 1, changes: 1 } });
    expect((await test.get('/v1/customers/mx').expect(200)).body).toMatchObject({ lifecycleStage: 'repeat-customer', lifecycle: { reason: '3 completed orders', since: day(4) } });
    const stream = await test.readSide.eventStore!.readStream(lifecycleStreamId('mx'));
    expect(stream.map((e) => [e.data['from'], e.data['to']])).toEqual([
      [null, 'prospect'],
      ['prospect', 'first-time-customer'],
      ['first-time-customer', 'repeat-customer'],
    ]);
    // the merged customer publishes nothing more
    expect((await test.readSide.eventStore!.readStream(lifecycleStreamId('my'))).map((e) => e.data['to'])).toEqual(['prospect', 'first-time-customer', 'repeat-customer']);
  });

  it('finds the survivor by the merged customer’s identifiers, and leaves the merged customer out of searches', async () => {
    const byEmail = await test.get('/v1/customers:lookup?kind=email&value=my@example.com').expect(200);
    expect(byEmail.body).toMatchObject({ customerId: 'mx', matchedBy: { kind: 'email', value: 'my@example.com' } });
    const byDevice = await test.get('/v1/customers:lookup?kind=device_id&value=my-phone').expect(200);
    expect(byDevice.body.customerId).toBe('mx');
    const res = await test.get('/v1/customers?country=DE').expect(200);
    expect(res.body.total).toBe(1);
    expect(res.body.items).toEqual([expect.objectContaining({ customerId: 'mx', orders: 3, mergedFrom: ['my'] })]);
    const revenue = await test.get('/v1/customers?currency=USD&minRevenueMinor=90').expect(200);
    expect(revenue.body.items.map((i: { customerId: string }) => i.customerId)).toEqual(['mx']);
  });
});
