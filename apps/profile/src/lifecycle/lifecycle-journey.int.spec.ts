import { getConnectionToken } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import { LIFECYCLE_STAGE_CHANGED, lifecycleStreamId, Topics, type CustomerEventRecord, type EventEnvelope } from '@crm/contracts';
import type { PostgresEventStore } from '@crm/event-store';
import { EventStoreDerivedEventSink, ProjectionRunner } from '@crm/projections';
import { customerProfileProjection } from '../customers/customer-profile.projection';
import { customerTimelineProjection } from '../timeline/customer-timeline.projection';
import {
  appendCustomerEvents,
  profileTestSettings,
  readTopic,
  recordsFromLog,
  startProfileApp,
  startStoreWithRelay,
  stopProfileApp,
  waitFor,
  type ProfileTestApp,
} from '../testing/profile-test-app';

// The whole path on the real servers (PostgreSQL event store, the relay, Kafka, MongoDB-wire):
// customer events are stored as ingest stores them, the relay publishes them, the profile folds
// them and appends its stage changes, which the relay publishes to crm.lifecycle-stages.v1.
const settings = profileTestSettings();
const START = Date.parse('2025-01-01T09:00:00.000Z');
const day = (n: number): string => new Date(START + n * 86_400_000).toISOString();

let n = 0;
const ev = (type: string, data: Record<string, unknown>, time: string): EventEnvelope => ({
  id: `00000000-0000-4000-8000-${String(++n).padStart(12, '0')}`,
  type,
  schemaVersion: type === 'crm.profile.updated' ? 2 : 1,
  source: 'it',
  subject: 'jo',
  time,
  data,
});

const beforeSweep = [
  ev('crm.lead.captured', { source: 'webinar', campaignId: 'spring' }, day(0)),
  ev('crm.opportunity.stage-changed', { opportunityId: 'op-1', from: 'lead', to: 'qualified' }, day(1)),
  ev('crm.customer.registered', { email: 'Jo@Example.com', firstName: 'Jo', country: 'NL' }, day(1)),
  ev('crm.order.completed', { orderId: 'o-1', totalMinor: 2500, currency: 'EUR' }, day(2)),
  ev('crm.order.completed', { orderId: 'o-2', totalMinor: 1500, currency: 'EUR' }, day(10)),
  ev('crm.order.completed', { orderId: 'o-3', totalMinor: 1000, currency: 'EUR' }, day(20)),
  ev('crm.order.completed', { orderId: 'o-4', totalMinor: 4000, currency: 'EUR' }, day(30)),
  ev('crm.touchpoint.recorded', { channel: 'web', action: 'page_viewed', url: 'https://shop.example/jo' }, day(40)),
];
const comeback = ev('crm.order.completed', { orderId: 'o-5', totalMinor: 3000, currency: 'EUR' }, day(310));

let test: ProfileTestApp;
let relay: { store: PostgresEventStore; stop: () => Promise<void> };

beforeAll(async () => {
  test = await startProfileApp(settings);
  relay = await startStoreWithRelay(settings);
  await waitFor(async () => (await test.get('/health/ready')).status === 200, 'the profile consumer');
}, 90_000);

afterAll(async () => {
  await relay?.stop();
  await stopProfileApp(test);
}, 60_000);

const profile = async () => (await test.get('/v1/customers/jo')).body as Record<string, any>;

describe('a scripted customer journey through the lifecycle', () => {
  it('publishes every stage change, in order, on crm.lifecycle-stages.v1 — the sweep’s time-driven ones too', async () => {
    await appendCustomerEvents(relay.store, beforeSweep);
    const loyal = await waitFor(async () => {
      const p = await profile();
      return p._metadata?.revision === beforeSweep.length - 1 ? p : undefined;
    }, 'the journey in the profile');
    expect(loyal).toMatchObject({ lifecycleStage: 'loyal', orders: 4, email: 'Jo@Example.com', leadSource: 'webinar', lifecycle: { nextReviewAt: day(120) } });
    // its five changes come back on the lifecycle topic and are folded (recognised as held)
    await waitFor(async () => (await profile())._metadata?.revisions?.lifecycle === 4 || undefined, 'the stage changes to come back');

    // the sweep at day 300: at risk at day 120 (90 days after the last order), churned at day 210
    const swept = await test.sweep.runOnce(new Date(day(300)));
    expect(swept).toMatchObject({ lifecycle: { reviewed: 1 } });
    expect((await relay.store.readStream(lifecycleStreamId('jo'))).map((e) => e.data['to'])).toEqual(['lead', 'prospect', 'first-time-customer', 'repeat-customer', 'loyal', 'at-risk', 'churned']);
    expect(await test.sweep.runOnce(new Date(day(300)))).toMatchObject({ lifecycle: { reviewed: 0, changes: 0 } });
    expect(await profile()).toMatchObject({ lifecycleStage: 'churned', lifecycle: { since: day(210) } });

    await appendCustomerEvents(relay.store, [comeback]);
    const published = await readTopic(settings, Topics.lifecycleStages, 8);
    expect(published).toHaveLength(8);
    expect(published.every((r) => r.envelope.type === LIFECYCLE_STAGE_CHANGED && r.envelope.subject === 'jo' && r.streamId === lifecycleStreamId('jo'))).toBe(true);
    expect(published.map((r) => r.streamRevision)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(published.map((r) => [r.envelope.data['from'], r.envelope.data['to'], r.envelope.data['at']])).toEqual([
      [null, 'lead', day(0)],
      ['lead', 'prospect', day(1)],
      ['prospect', 'first-time-customer', day(2)],
      ['first-time-customer', 'repeat-customer', day(10)],
      ['repeat-customer', 'loyal', day(30)],
      ['loyal', 'at-risk', day(120)],
      ['at-risk', 'churned', day(210)],
      ['churned', 'loyal', day(310)],
    ]);
    expect(published[7].envelope.data).toMatchObject({ reactivation: true, reason: '5 orders in the last 365 days after being churned (reactivation)' });
    expect(published[5].envelope.data).toMatchObject({ reactivation: false, reason: 'no purchase for 90 days' });
    expect(published[2].envelope.causationId).toBe(beforeSweep[3].id);
    expect(published[5].envelope.causationId).toBeUndefined(); // time did it
  }, 120_000);

  it('rebuilds from the log to the same read models, twice, however the log is batched — and equal to the live ones', async () => {
    // the live profile has folded its own published changes back (its lifecycle stream is caught up)
    await waitFor(async () => {
      const p = await profile();
      return p._metadata?.revision === beforeSweep.length && p._metadata?.revisions?.lifecycle === 7 ? p : undefined;
    }, 'the live profile to fold its stage changes');
    const log = await recordsFromLog(relay.store);
    const lifecycleStream = (await relay.store.readStream(lifecycleStreamId('jo'))).length;

    const db = test.app.get<Connection>(getConnectionToken()).db!;
    const rebuild = async (name: string, batchSize: number) => {
      const sink = new EventStoreDerivedEventSink(relay.store);
      const models = {
        profiles: { collection: db.collection(`${name}_profiles`) },
        timeline: { collection: db.collection(`${name}_timeline`) },
      };
      const runners = [
        new ProjectionRunner(customerProfileProjection(settings.lifecycle), models.profiles as never, undefined, sink),
        new ProjectionRunner(customerTimelineProjection, models.timeline as never),
      ];
      const apply = async (records: readonly CustomerEventRecord[]) => {
        let written = 0;
        for (let i = 0; i < records.length; i += batchSize) for (const r of runners) written += await r.apply(records.slice(i, i + batchSize));
        return written;
      };
      expect(await apply(log)).toBeGreaterThan(0);
      return { apply, profiles: await comparable(db.collection(`${name}_profiles`)), timeline: await comparable(db.collection(`${name}_timeline`)) };
    };

    const first = await rebuild('rebuild_a', 1);
    const second = await rebuild('rebuild_b', 5);
    expect(second.profiles).toEqual(first.profiles);
    expect(second.timeline).toEqual(first.timeline);
    // replaying the same log again into the first rebuild writes nothing and changes nothing
    expect(await first.apply(log)).toBe(0);
    expect(await comparable(db.collection('rebuild_a_profiles'))).toEqual(first.profiles);

    // and the rebuild is the live model: the sweep's decisions came back through the lifecycle stream
    expect(first.profiles).toEqual(await comparable(db.collection('customer_profiles')));
    expect(first.timeline).toEqual(await comparable(db.collection('customer_timeline')));
    expect(first.profiles[0]).toMatchObject({ _id: 'jo', lifecycleStage: 'loyal', lifecycle: { changes: 8, reactivation: true } });
    // the rebuilds derived the same ids: nothing new in the lifecycle stream
    expect((await relay.store.readStream(lifecycleStreamId('jo'))).length).toBe(lifecycleStream);
  }, 120_000);
});

/** A collection's documents without what only says when and how often they were written. */
async function comparable(collection: { find(filter: object): { toArray(): Promise<Record<string, any>[]> } }): Promise<Record<string, any>[]> {
  const docs = await collection.find({}).toArray();
  return docs
    .map(({ _metadata, ...doc }) => {
      const { updatedAt: _u, writes: _w, ...metadata } = _metadata ?? {};
      return { ...doc, _metadata: metadata };
    })
    .sort((a, b) => String(a['_id']).localeCompare(String(b['_id'])));
}
