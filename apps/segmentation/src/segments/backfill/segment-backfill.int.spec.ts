import { SEGMENT_EXITED, segmentMembershipStreamId, type CustomerEventRecord, type EventEnvelope } from '@crm/contracts';
import { PostgresEventStore } from '@crm/event-store';
import { authHeader } from '@crm/platform/testing';
import { segmentationTestSettings, startSegmentationApp, stopSegmentationApp, waitFor, type SegmentationTestApp } from '../../testing/segmentation-test-app';

// Real MongoDB-wire server, Kafka and PostgreSQL, isolated per run. Customers are applied straight
// to the read model (as the consumer would); membership events land in the run's event store.
let test: SegmentationTestApp;
let store: PostgresEventStore;

const DAY = 86_400_000;
const now = Date.now();
let position = 1_000;
const record = (subject: string, revision: number, type: string, at: number, data: Record<string, unknown>, streamId?: string): CustomerEventRecord => {
  const envelope: EventEnvelope = { id: `${streamId ?? `customer-${subject}`}-${revision}`, type, schemaVersion: 1, source: 'it', subject, time: new Date(at).toISOString(), data };
  return { envelope, ...(streamId ? { streamId } : {}), streamRevision: revision, position: String(position++) };
};

/** 300 buyers (spend 100 × i, each last ordering on a different day) and 100 customers who never ordered. */
const BUYERS = 300;
const base: CustomerEventRecord[] = Array.from({ length: 400 }, (_, i) => {
  const id = `c-${String(i).padStart(3, '0')}`;
  const registered = record(id, 0, 'crm.customer.registered', now - 400 * DAY, { email: `${id}@example.com` });
  if (i >= BUYERS) return [registered];
  return [registered, record(id, 1, 'crm.order.completed', now - (BUYERS - i) * DAY, { orderId: `${id}-1`, totalMinor: 100 * i, currency: 'EUR' })];
}).flat();

async function applyAll(records: CustomerEventRecord[]): Promise<void> {
  for (let i = 0; i < records.length; i += 200) await test.readSide.applyToAll(records.slice(i, i + 200));
}

async function defineAndBackfill(body: Record<string, unknown>, method: 'post' | 'put' = 'post') {
  const id = body['id'] as string;
  const res = method === 'post'
    ? await test.http().post('/v1/segments').set(authHeader()).send(body).expect(201)
    : await test.http().put(`/v1/segments/${id}`).set(authHeader()).send(body).expect(200);
  return waitFor(async () => {
    const got = await test.http().get(`/v1/segments/${id}`).set(authHeader());
    return got.body.backfill?.version === res.body.version && got.body.backfill.status === 'done' ? got.body : undefined;
  }, `back-fill of ${id}`);
}

const membershipEvents = async (customerId: string) => (await store.readStream(segmentMembershipStreamId(customerId))).map((e) => ({ type: e.type, ...(e.data as { segmentId: string; reason: string; segmentVersion: number }) }));

beforeAll(async () => {
  test = await startSegmentationApp(segmentationTestSettings());
  store = await PostgresEventStore.connect({ connectionString: test.settings.eventStore.POSTGRES_URL, schema: test.settings.eventStore.POSTGRES_SCHEMA });
  await applyAll(base);
}, 180_000);

afterAll(async () => {
  await store?.close();
  await stopSegmentationApp(test);
});

describe('back-fill of new and changed segments over existing customers', () => {
  it('puts every existing customer who matches a new segment in it, with events, and reports duration and counts', async () => {
    const segment = await defineAndBackfill({ id: 'big-spenders', name: 'Spent 200.00 or more', rule: { field: 'spendMinor', gte: 20_000 } });
    expect(segment.members).toBe(100); // buyers 200…299
    expect(segment.backfill).toMatchObject({ status: 'done', customersScanned: 400, entered: 100, exited: 0, conflicts: 0 });
    expect(segment.backfill.durationMs).toBeGreaterThanOrEqual(0);
    expect(await membershipEvents('c-250')).toContainEqual({ type: 'crm.segment.entered', segmentId: 'big-spenders', segmentName: 'Spent 200.00 or more', segmentVersion: 1, reason: 'spendMinor is 25000 (needs ≥ 20000)', at: expect.any(String) });
    expect((await membershipEvents('c-150')).map((e) => e.segmentId)).not.toContain('big-spenders');
  });

  it('moves out the customers a changed rule no longer matches, naming the new version', async () => {
    const segment = await defineAndBackfill({ id: 'big-spenders', name: 'Spent 250.00 or more', rule: { field: 'spendMinor', gte: 25_000 } }, 'put');
    expect(segment).toMatchObject({ version: 2, members: 50, backfill: { reason: 'rule changed', entered: 0, exited: 50 } });
    expect((await membershipEvents('c-210')).filter((e) => e.segmentId === 'big-spenders').map((e) => [e.type, e.segmentVersion, e.reason])).toEqual([
      ['crm.segment.entered', 1, 'spendMinor is 21000 (needs ≥ 20000)'],
      ['crm.segment.exited', 2, 'spendMinor is 21000 (needs ≥ 25000)'],
    ]);
    expect((await membershipEvents('c-260')).filter((e) => e.segmentId === 'big-spenders')).toHaveLength(1);
  });

  it('moves every member out of a deleted segment', async () => {
    await test.http().delete('/v1/segments/big-spenders').set(authHeader()).expect(204);
    // members are written after their events are appended: once the last member is out, every event is stored
    await waitFor(async () => {
      const docs = await Promise.all(['c-250', 'c-299'].map((id) => test.http().get(`/v1/customers/${id}/segments`).set(authHeader())));
      return docs.every((d) => !d.body.segments.includes('big-spenders'));
    }, 'the members of the deleted segment out');
    const last = (await membershipEvents('c-299')).filter((e) => e.segmentId === 'big-spenders').pop();
    expect(last).toMatchObject({ type: 'crm.segment.exited', reason: 'segment deleted', segmentVersion: 2 });
  });

  it('computes RFM quintiles over the buyers for the first RFM segment, and re-judges when the sweep moves them', async () => {
    const recent = await defineAndBackfill({ id: 'recent-buyers', name: 'Top two recency quintiles', rule: { rfm: 'recency', gte: 4 } });
    expect(recent.members).toBe(120); // 40 % of 300 buyers, each on a different day
    const member = await test.http().get('/v1/customers/c-299/segments').set(authHeader()).expect(200);
    expect(member.body.rfm).toEqual({ recency: 5, frequency: 1, monetary: 5 });

    // 300 more customers buy today: yesterday's best are no longer in the top 40 %
    const newcomers = Array.from({ length: 300 }, (_, i) => record(`n-${i}`, 0, 'crm.order.completed', now - i * 60_000, { orderId: `n-${i}`, totalMinor: 1, currency: 'EUR' }));
    await applyAll(newcomers);
    const report = await test.sweep.run(new Date(now + 2 * 3_600_000));
    // out: the 120 old members, and the 60 least recent newcomers, who entered live under the old thresholds
    expect(report.rfm).toMatchObject({ population: 600, changed: true, rejudged: { entered: 0, exited: 180 } });
    expect((await test.http().get('/v1/segments/recent-buyers').set(authHeader())).body.members).toBe(240);
    const explained = await test.http().get('/v1/segments/recent-buyers/explain/c-299').set(authHeader()).expect(200);
    expect(explained.body).toMatchObject({ member: false, reason: 'RFM recency score is 3 (needs ≥ 4)' });
  });
});

describe('loyalty, lifecycle, consent and merges', () => {
  it('judges loyalty tier and lifecycle stage from their own streams, and consent per channel and purpose', async () => {
    await defineAndBackfill({
      id: 'gold-loyal-opt-in',
      name: 'Gold, loyal, emailable',
      rule: { all: [{ field: 'loyaltyTier', eq: 'gold' }, { field: 'lifecycleStage', eq: 'loyal' }, { consent: { channel: 'email', purpose: 'marketing' } }] },
    });
    await applyAll([
      record('c-010', 2, 'crm.consent.granted', now - DAY, { channel: 'email', purpose: 'marketing' }),
      record('c-010', 0, 'crm.loyalty.tier-upgraded', now - DAY, { from: 'silver', to: 'gold', reason: 'lifetime points' }, 'loyalty-c-010'),
    ]);
    expect((await test.http().get('/v1/customers/c-010/segments').set(authHeader())).body.segments).not.toContain('gold-loyal-opt-in');
    await applyAll([record('c-010', 0, 'crm.lifecycle.stage-changed', now - DAY, { from: 'repeat-customer', to: 'loyal', reason: 'x', reactivation: false, at: 'x' }, 'lifecycle-c-010')]);
    const doc = await test.http().get('/v1/customers/c-010/segments').set(authHeader()).expect(200);
    expect(doc.body).toMatchObject({ loyaltyTier: 'gold', lifecycleStage: 'loyal', consents: ['email:marketing'] });
    expect(doc.body.segments).toContain('gold-loyal-opt-in');
    expect(doc.body._metadata).toMatchObject({ revision: 2, revisions: { loyalty: 0, lifecycle: 0 } });
    await applyAll([record('c-010', 3, 'crm.consent.withdrawn', now, { channel: 'email', purpose: 'marketing' })]);
    expect((await membershipEvents('c-010')).pop()).toMatchObject({ type: 'crm.segment.exited', segmentId: 'gold-loyal-opt-in', reason: 'no consent to email for marketing' });
  });

  it('judges the survivor on the combined facts and takes the merged customer out of every segment, once', async () => {
    const count = async (id: string) => (await test.http().get(`/v1/segments/${id}`).set(authHeader())).body.members as number;
    const before = { repeat: await count('repeat-buyers'), high: await count('high-value') };
    const merge = [
      record('yan', 0, 'crm.customer.registered', now - DAY, { email: 'yan@example.com' }),
      record('yan', 1, 'crm.order.completed', now - DAY, { orderId: 'y1', totalMinor: 30_000, currency: 'EUR' }),
      record('yan', 2, 'crm.order.completed', now - DAY, { orderId: 'y2', totalMinor: 10_000, currency: 'EUR' }),
      record('yan', 3, 'crm.customer.merged', now, { survivorId: 'xia', mergedId: 'yan', reason: 'identity', identity: { kind: 'email', value: 'yan@example.com' } }),
    ];
    await applyAll([record('xia', 0, 'crm.order.completed', now - DAY, { orderId: 'x1', totalMinor: 20_000, currency: 'EUR' })]);
    await applyAll(merge);
    await applyAll(merge); // redelivered: absorbed once
    const xia = await test.http().get('/v1/customers/xia/segments').set(authHeader()).expect(200);
    expect(xia.body).toMatchObject({ orders: 3, spendMinor: 60_000 });
    expect(xia.body.segments).toEqual(expect.arrayContaining(['high-value', 'repeat-buyers']));
    const yan = await test.http().get('/v1/customers/yan/segments').set(authHeader()).expect(200);
    expect(yan.body).toMatchObject({ customerId: 'xia', redirectedFrom: 'yan' });
    expect(await count('repeat-buyers')).toBe(before.repeat + 1);
    expect(await count('high-value')).toBe(before.high + 1);
    expect((await membershipEvents('yan')).filter((e) => e.type === SEGMENT_EXITED).map((e) => [e.segmentId, e.reason])).toEqual([
      ['prospects', 'orders is 1 (needs = 0)'],
      ['repeat-buyers', 'merged into customer xia'],
    ]);
    const explained = await test.http().get('/v1/segments/high-value/explain/yan').set(authHeader()).expect(200);
    expect(explained.body).toMatchObject({ member: false, mergedInto: 'xia' });
  });
});
