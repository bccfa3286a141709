import { getConnectionToken } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import { SEGMENT_ENTERED, Topics, type EventEnvelope } from '@crm/contracts';
import type { PostgresEventStore } from '@crm/event-store';
import { authHeader } from '@crm/platform/testing';
import { ProjectionRunner } from '@crm/projections';
import type { SegmentCatalogue } from '../catalogue/segment-catalogue';
import { SEGMENT_CATALOGUE } from '../maintenance/maintenance.tokens';
import {
  appendCustomerEvents,
  readTopic,
  recordsFromLog,
  segmentationTestSettings,
  startSegmentationApp,
  startStoreWithRelay,
  stopSegmentationApp,
  waitFor,
  type SegmentationTestApp,
} from '../../testing/segmentation-test-app';
import { customerSegmentsProjection } from './customer-segments.projection';

// The whole path on the real servers: customer events appended to PostgreSQL, relayed to Kafka,
// consumed by the service; its membership events appended to PostgreSQL and relayed to
// crm.segment-membership.v1, where the test reads them back.
let test: SegmentationTestApp;
let store: PostgresEventStore;
let stopRelay: () => Promise<void>;

const DAY = 86_400_000;
const now = Date.now();
const T = now - 200 * DAY;
const iso = (ms: number) => new Date(ms).toISOString();
let seq = 0;
const event = (subject: string, type: string, at: number, data: Record<string, unknown>): EventEnvelope => ({
  id: `00000000-0000-4000-8000-${String(++seq).padStart(12, '0')}`,
  type,
  schemaVersion: 1,
  source: 'it',
  subject,
  time: iso(at),
  data,
});
const order = (subject: string, at: number, totalMinor = 20_000) => event(subject, 'crm.order.completed', at, { orderId: `o-${seq}`, totalMinor, currency: 'EUR' });

const SEGMENTS = [
  { id: 'engaged', name: 'Opened an email in the last 30 days', rule: { event: 'crm.touchpoint.recorded', action: 'email_opened', withinDays: 30 } },
  { id: 'repeat-90d', name: 'Two or more orders in the last 90 days', rule: { event: 'crm.order.completed', withinDays: 90, count: { gte: 2 } } },
  { id: 'lapsed', name: 'Bought, then nothing for 120 days', rule: { all: [{ field: 'orders', gte: 1 }, { event: 'crm.order.completed', withinDays: 120, count: { eq: 0 } }] } },
];

const customerDoc = (id: string) => test.http().get(`/v1/customers/${id}/segments`).set(authHeader());

beforeAll(async () => {
  test = await startSegmentationApp(segmentationTestSettings());
  ({ store, stop: stopRelay } = await startStoreWithRelay(test.settings));
  for (const s of SEGMENTS) await test.http().post('/v1/segments').set(authHeader()).send(s).expect(201);
  await waitFor(async () => {
    const list = (await test.http().get('/v1/segments').set(authHeader())).body as { backfill: { status: string } }[];
    return list.length === 6 && list.every((s) => s.backfill.status === 'done');
  }, 'back-fills of the new segments');
}, 120_000);

afterAll(async () => {
  await stopRelay?.();
  await stopSegmentationApp(test);
});

describe('a scripted customer journey', () => {
  it('moves the customer in and out of segments by events and by time, with the membership events on the topic in order', async () => {
    await appendCustomerEvents(store, [
      event('jo', 'crm.customer.registered', T, { email: 'jo@example.com', country: 'DE' }),
      event('jo', 'crm.touchpoint.recorded', T + 1 * DAY, { channel: 'email', action: 'email_opened' }),
      order('jo', T + 10 * DAY),
      order('jo', T + 20 * DAY),
    ]);
    const folded = await waitFor(async () => {
      const res = await customerDoc('jo');
      return res.status === 200 && res.body._metadata.revision === 3 ? res.body : undefined;
    }, 'the journey folded');
    expect(folded.segments).toEqual(['engaged', 'repeat-90d', 'repeat-buyers']);
    expect(folded.reevaluateAt).toBe(iso(T + 31 * DAY + 1)); // the email open leaves its 30-day window

    // 200 days on: the sweep lets time do its work
    const sweepAt = new Date(now - 60_000);
    const report = await test.sweep.run(sweepAt);
    expect(report.due).toMatchObject({ entered: 1, exited: 2 });
    expect((await customerDoc('jo')).body.segments).toEqual(['lapsed', 'repeat-buyers']);

    // a purchase brings the customer back
    await appendCustomerEvents(store, [order('jo', now - 30_000)]);

    const published = await readTopic(test.settings, Topics.segmentMembership, 10);
    const seen = published.map((r) => [r.envelope.type === SEGMENT_ENTERED ? 'entered' : 'exited', (r.envelope.data as { segmentId: string }).segmentId]);
    expect(seen).toEqual([
      ['entered', 'prospects'],
      ['entered', 'engaged'],
      ['exited', 'prospects'],
      ['entered', 'repeat-90d'],
      ['entered', 'repeat-buyers'],
      ['exited', 'engaged'],
      ['exited', 'repeat-90d'],
      ['entered', 'lapsed'],
      ['exited', 'lapsed'],
      ['entered', 'high-value'],
    ]);
    const data = published.map((r) => r.envelope.data as { reason: string; at: string; segmentVersion: number; segmentName: string });
    expect(published.every((r) => r.envelope.subject === 'jo' && r.streamId === 'segment-membership-jo')).toBe(true);
    expect(published.map((r) => r.streamRevision)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(data[0]).toEqual({ segmentId: 'prospects', segmentName: 'Registered, no purchase yet', segmentVersion: 1, reason: 'orders is 0 (needs = 0)', at: iso(T) });
    expect(data[5]).toMatchObject({ reason: '0 × crm.touchpoint.recorded (email_opened) in the last 30 days (needs ≥ 1)', at: sweepAt.toISOString() });
    expect(data[7]).toMatchObject({ reason: 'orders is 2 (needs ≥ 1); 0 × crm.order.completed in the last 120 days (needs = 0)', segmentName: 'Bought, then nothing for 120 days' });
    expect(data[8].reason).toBe('1 × crm.order.completed in the last 120 days (needs = 0)');
    expect(data[9].reason).toBe('spendMinor is 60000 (needs ≥ 50000)');
  });

  it('explains why the customer is in or out of a segment', async () => {
    const inside = await test.http().get('/v1/segments/high-value/explain/jo').set(authHeader()).expect(200);
    expect(inside.body).toMatchObject({ segmentId: 'high-value', customerId: 'jo', member: true, holds: true, reason: 'spendMinor is 60000 (needs ≥ 50000)' });
    const outside = await test.http().get('/v1/segments/lapsed/explain/jo').set(authHeader()).expect(200);
    expect(outside.body).toMatchObject({
      member: false,
      holds: false,
      reason: '1 × crm.order.completed in the last 120 days (needs = 0)',
      explanation: {
        kind: 'all',
        holds: false,
        children: [
          { kind: 'field', holds: true, text: 'orders is 3 (needs ≥ 1)', actual: 3 },
          { kind: 'event', holds: false, actual: 1 },
        ],
      },
    });
    await test.http().get('/v1/segments/lapsed/explain/nobody').set(authHeader()).expect(404);
    await test.http().get('/v1/segments/nothing/explain/jo').set(authHeader()).expect(404);
  });

  it('serves members page by page, counts and the size history', async () => {
    await appendCustomerEvents(store, [
      event('al', 'crm.customer.registered', now - 1_000, { email: 'al@example.com' }),
      event('bo', 'crm.customer.registered', now - 1_000, { email: 'bo@example.com' }),
      event('cy', 'crm.customer.registered', now - 1_000, { email: 'cy@example.com' }),
    ]);
    await waitFor(async () => (await test.http().get('/v1/segments/prospects').set(authHeader())).body.members === 3, 'three prospects');
    const first = await test.http().get('/v1/segments/prospects/members?pageSize=2').set(authHeader()).expect(200);
    expect(first.body).toMatchObject({ page: 1, pageSize: 2, total: 3, nextAfter: 'bo' });
    expect(first.body.items.map((m: { customerId: string }) => m.customerId)).toEqual(['al', 'bo']);
    expect(first.body.items[0]).toMatchObject({ customerId: 'al', orders: 0, registeredAt: expect.any(String) });
    const next = await test.http().get('/v1/segments/prospects/members?pageSize=2&after=bo').set(authHeader()).expect(200);
    expect(next.body.items.map((m: { customerId: string }) => m.customerId)).toEqual(['cy']);
    expect(next.body.nextAfter).toBeUndefined();
    const bad = await test.http().get('/v1/segments/prospects/members?page=0&pageSize=501').set(authHeader()).expect(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['page', 'pageSize']);

    await test.sweep.run(new Date());
    const history = await test.http().get('/v1/segments/prospects/history').set(authHeader()).expect(200);
    const points = history.body.points as { at: string; members: number }[];
    expect(points[points.length - 1].members).toBe(3);
    expect(points.map((p) => p.members)).toContain(3);
    expect(points.every((p, i) => i === 0 || p.at >= points[i - 1].at)).toBe(true);
  });

  it("serves a customer's segments and the facts they were judged on", async () => {
    const res = await customerDoc('jo').expect(200);
    expect(res.body).toMatchObject({
      customerId: 'jo',
      segments: ['high-value', 'repeat-buyers'],
      memberships: [
        { segmentId: 'high-value', name: 'Lifetime spend of 500.00 or more', version: 1 },
        { segmentId: 'repeat-buyers', name: 'Two or more orders', version: 1 },
      ],
      country: 'DE',
      orders: 3,
      spendMinor: 60_000,
      spendCurrency: 'EUR',
      activity: { 'crm.order.completed': { kept: 3 } },
    });
    await test.http().get('/v1/customers/nobody/segments').set(authHeader()).expect(404);
  });

  it('leaves identical read models when the same events are replayed twice', async () => {
    const records = await recordsFromLog(store, ['customer', 'loyalty', 'lifecycle']);
    expect(records.length).toBeGreaterThanOrEqual(8);
    const connection = test.app.get<Connection>(getConnectionToken());
    const catalogue = test.app.get<SegmentCatalogue>(SEGMENT_CATALOGUE);
    const at = new Date('2026-06-01T00:00:00Z');
    const replay = async (name: string) => {
      const collection = connection.collection(name);
      const runner = new ProjectionRunner(customerSegmentsProjection(catalogue), { collection } as never, () => at, undefined, { skipDerived: true });
      for (let i = 0; i < records.length; i += 3) await runner.apply(records.slice(i, i + 3)); // batches cut differently from live
      await runner.apply(records); // and everything redelivered
      return collection.find({}).sort({ _id: 1 }).toArray();
    };
    const first = await replay('replay_first');
    const second = await replay('replay_second');
    expect(first.map((d) => d['_id'])).toEqual(['al', 'bo', 'cy', 'jo']);
    expect(second).toEqual(first);
    // events alone (no sweep) put jo where its last purchase left it
    expect(first.find((d) => d['_id'] === 'jo')).toMatchObject({ segments: ['high-value', 'repeat-buyers'] });
  });
});
