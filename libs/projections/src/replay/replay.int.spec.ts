import type { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { mongo } from 'mongoose';
import request from 'supertest';
import type { EventEnvelope } from '@crm/contracts';
import type { PostgresEventStore } from '@crm/event-store';
import { apiKeyEntry, authHeader, testApiKeyEnv } from '@crm/platform/testing';
import {
  appendCustomerEvents,
  connectionOf,
  ContactCardServiceModule,
  contactCardProjection,
  contactCardReadModel,
  customerEvent,
  dropReplayTestData,
  expectRebuildEqualsLive,
  loadReplayTestSettings,
  replayTestEnv,
  runReplay,
  startTestRelay,
  waitForEventStore,
  waitForReplay,
  waitUntilConsumed,
  type ReplayTestSettings,
} from '../testing';
import { EventStoreDerivedEventSink } from '../derived-events';
import type { DocumentProjection } from '../document-projection';
import type { ReadModelRegistration } from '../nest/read-side.options';
import { changedFields, compareDocuments, type StoredReadModelDocument } from './document-diff';
import { ReplayService } from './nest/replay.service';
import type { ReplayHooks, ReplaySettings } from './replay-engine';
import { collectionExists, indexKeys } from './shadow-collection';

// Real PostgreSQL, Kafka and MongoDB-wire server (infra/local/crm-infra up), isolated per run: own
// event-store schema, topic prefix, consumer group and database. Events enter the store as ingest
// stores them, an in-process relay publishes them, and the service's consumer keeps the live model.

const READ_MODEL = 'contact-card';
const OPERATOR_WITHOUT_ADMIN = 'reader-key-0123456789abcdef';
const env = {
  ...replayTestEnv(),
  API_KEYS: `${testApiKeyEnv()['API_KEYS']};${apiKeyEntry('reader', OPERATOR_WITHOUT_ADMIN, ['profiles:read'])}`,
};
const settings: ReplayTestSettings = loadReplayTestSettings(env);
// Small pages and caches, so that every path (background writes, evictions, chunks) runs on a small history.
const replaySettings = { pageSize: 7, leaseMs: 1_500, waitForLiveMs: 20_000, customersPerChunk: 3, cacheDocuments: 6 };

let relay: { store: PostgresEventStore; stop(): Promise<void> };
let app: INestApplication;
let store: PostgresEventStore;

async function startApp(
  hooks?: ReplayHooks,
  extra: { withoutEventStore?: boolean; readModels?: ReadModelRegistration[]; replay?: Partial<ReplaySettings> } = {},
): Promise<INestApplication> {
  const { replay, ...rest } = extra;
  const moduleRef = await Test.createTestingModule({
    imports: [ContactCardServiceModule.register(settings, { replay: { ...replaySettings, ...replay, ...(hooks ? { hooks } : {}) }, ...rest })],
  }).compile();
  const instance = moduleRef.createNestApplication({ logger: ['error'] });
  await instance.init();
  if (!extra.withoutEventStore) await waitForEventStore(instance);
  return instance;
}

const cards = (target: INestApplication = app): mongo.Collection<StoredReadModelDocument> => connectionOf(target).db!.collection<StoredReadModelDocument>('contact_cards');
const liveDocs = async (): Promise<Map<string, StoredReadModelDocument>> => new Map((await cards().find({}).toArray()).map((d) => [d._id, d]));
const order = (c: string, id: string, totalMinor: number) => customerEvent(c, 'crm.order.completed', { orderId: id, totalMinor, currency: 'EUR' });
const registered = (c: string) => customerEvent(c, 'crm.customer.registered', { email: `${c}@example.com` });
const http = () => request(app.getHttpServer());

function history(): EventEnvelope[] {
  const events: EventEnvelope[] = [
    registered('c1'),
    customerEvent('c1', 'crm.profile.updated', { email: 'c1.new@example.com' }, { schemaVersion: 1 }), // stored as v1
    order('c1', 'o-1', 1000),
    order('c1', 'o-2', 500), // second order: the card derives a lifecycle stage change
    registered('c2'),
    order('c2', 'o-3', 250),
    customerEvent('c2', 'crm.profile.updated', { contact: { phone: '+49 30 1234567' } }, { schemaVersion: 2 }),
    registered('c3'),
    order('c3', 'o-4', 700),
    customerEvent('c3', 'crm.customer.merged', { survivorId: 'c1', mergedId: 'c3', reason: 'identity', identity: { kind: 'email', value: 'c3@example.com' } }),
    registered('c4'),
    customerEvent('c4', 'crm.customer.erased', { reason: 'asked' }),
  ];
  for (let i = 5; i <= 16; i++) {
    events.push(registered(`c${i}`), order(`c${i}`, `o-${i}-a`, 100 * i));
    if (i % 3 === 0) events.push(order(`c${i}`, `o-${i}-b`, 10 * i));
  }
  return events;
}

beforeAll(async () => {
  relay = await startTestRelay(settings);
  store = relay.store;
  app = await startApp();
  await appendCustomerEvents(store, history());
  await waitUntilConsumed(settings, 60_000);
}, 90_000);

afterAll(async () => {
  const connection = app ? connectionOf(app) : undefined;
  await relay?.stop();
  if (connection) await dropReplayTestData(settings, connection);
  await app?.close();
}, 60_000);

describe('rebuilding a read model from the event store', () => {
  it('rebuilds a model equal to the live one (merges, erasure, derived facts, mixed schema versions)', async () => {
    const job = await expectRebuildEqualsLive(app, READ_MODEL);
    const live = await liveDocs();
    expect(live.get('c1')).toMatchObject({ email: 'c1.new@example.com', orders: 3, revenueMinor: 2200, stage: 'repeat-customer' });
    expect(live.has('c4')).toBe(false);
    expect(job.report).toMatchObject({ diff: { changed: 0, added: 0, removed: 0, inFlight: 0 } });
    expect(job.report!.diff!.same).toBe(live.size);
    expect(job.counters.eventsApplied).toBeGreaterThan(history().length); // the derived lifecycle facts too
    expect(job.progress.fraction).toBe(1);
    expect(await collectionExists(connectionOf(app).db!, job.shadow)).toBe(false); // a dry run drops its shadow
  });

  it('swaps a corrected model in atomically, with the schema indexes, keeping events that arrive meanwhile', async () => {
    await cards().updateOne({ _id: 'c2' }, { $set: { orders: 99 } }); // a live model gone wrong
    const started = await app.get(ReplayService).start({ readModel: READ_MODEL, mode: 'swap' });
    await appendCustomerEvents(store, [registered('c20'), order('c5', 'o-5-late', 55)]);
    const job = await waitForReplay(app, started.id);
    expect(job.status).toBe('completed');
    expect(job.report!.diff).toMatchObject({ changed: 1, changedFields: { orders: 1 } });
    expect(job.report!.diff!.examples[0]).toEqual({ id: 'c2', comparison: 'changed', fields: ['orders'] });
    await waitUntilConsumed(settings);
    const live = await liveDocs();
    expect(live.get('c2')).toMatchObject({ orders: 1 });
    expect(live.get('c20')).toMatchObject({ email: 'c20@example.com' });
    expect(live.get('c5')).toMatchObject({ orders: 2, revenueMinor: 555 });
    expect(await indexKeys(cards())).toEqual(
      [
        JSON.stringify({ key: { _id: 1, '_metadata.revision': 1, '_metadata.writes': 1 }, unique: true }),
        JSON.stringify({ key: { email: 1 } }),
        JSON.stringify({ key: { stage: 1, orders: -1 } }),
      ].sort(),
    );
    await expectRebuildEqualsLive(app, READ_MODEL);
  });

  it('does not append the facts history derived again', async () => {
    await waitUntilConsumed(settings);
    const lifecycleBefore = await store.readStream('lifecycle-c1');
    const appends = jest.spyOn(EventStoreDerivedEventSink.prototype, 'append');
    try {
      const job = await runReplay(app, { readModel: READ_MODEL, mode: 'swap' });
      expect(job.status).toBe('completed');
      expect(job.counters.eventsApplied).toBeGreaterThan(0);
      expect(appends).not.toHaveBeenCalled();
    } finally {
      appends.mockRestore();
    }
    expect(await store.readStream('lifecycle-c1')).toEqual(lifecycleBefore);
  });

  it('resumes a replay stopped midway from its checkpoint and ends equal', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let reached!: (checkpoint: string) => void;
    const atBatch3 = new Promise<string>((resolve) => (reached = resolve));
    const doomed = await startApp(
      {
        afterBatch: async (job, batches) => {
          if (batches !== 3) return;
          reached((await doomed.get(ReplayService).get(job._id)).checkpoint);
          await held; // batch 3 is written, its checkpoint not saved: the worst moment to die
        },
      },
      { replay: { syncWrites: true } },
    );
    const started = await doomed.get(ReplayService).start({ readModel: READ_MODEL, mode: 'swap' });
    const checkpointAtStop = await atBatch3;
    expect(BigInt(checkpointAtStop)).toBeGreaterThan(0n);
    expect(BigInt(checkpointAtStop)).toBeLessThan(BigInt(started.endPosition));
    // The stalled process stops renewing its lease; the surviving instance takes the job over from
    // the saved checkpoint (the stalled one finds its lease gone and gives up).
    const job = await waitForReplay(app, started.id);
    release();
    await doomed.close();
    expect(job).toMatchObject({ status: 'completed', resumes: 1 });
    expect(job.report!.diff).toMatchObject({ changed: 0, added: 0, removed: 0 });
    // Resumed, not restarted: at most the interrupted batch was read twice.
    const logLength = (await store.readAll({ fromPosition: 0n, maxCount: 100_000 })).filter((e) => e.position <= BigInt(started.endPosition)).length;
    expect(job.counters.eventsRead).toBeLessThanOrEqual(logLength + replaySettings.pageSize);
    expect(job.counters.eventsRead).toBeGreaterThanOrEqual(logLength);
    await waitUntilConsumed(settings);
    await expectRebuildEqualsLive(app, READ_MODEL);
  }, 60_000);
});

describe('cancelling a replay', () => {
  it('stops it and drops its shadow; the live model is untouched', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let reached!: () => void;
    const atBatch2 = new Promise<void>((resolve) => (reached = resolve));
    const slow = await startApp(
      {
        afterBatch: async (_job, batches) => {
          if (batches !== 2) return;
          reached();
          await held;
        },
      },
      { replay: { syncWrites: true, leaseMs: 30_000 } },
    );
    try {
      const before = await liveDocs();
      const started = await slow.get(ReplayService).start({ readModel: READ_MODEL, mode: 'swap' });
      await atBatch2;
      expect(await collectionExists(connectionOf(app).db!, started.shadow)).toBe(true);
      const cancelling = slow.get(ReplayService).cancel(started.id);
      await new Promise((r) => setTimeout(r, 200));
      release();
      const cancelled = await cancelling;
      expect(cancelled).toMatchObject({ status: 'cancelled' });
      expect(await collectionExists(connectionOf(app).db!, started.shadow)).toBe(false);
      expect(await liveDocs()).toEqual(before);
      const again = await runReplay(app, { readModel: READ_MODEL, mode: 'dry-run' }); // the model's lock was released
      expect(again.status).toBe('completed');
    } finally {
      release();
      await slow.close();
    }
  }, 60_000);
});

describe('the read model at a point in time', () => {
  let t: Date;
  let atT: Map<string, StoredReadModelDocument>;

  beforeAll(async () => {
    await waitUntilConsumed(settings);
    atT = await liveDocs();
    await new Promise((r) => setTimeout(r, 50));
    t = new Date();
    await new Promise((r) => setTimeout(r, 50));
    await appendCustomerEvents(store, [order('c1', 'o-after-1', 5), customerEvent('c2', 'crm.profile.updated', { contact: { email: 'c2.after@example.com' } }, { schemaVersion: 2 }), registered('c30'), order('c6', 'o-6-c', 1)]);
    await waitUntilConsumed(settings);
  }, 60_000);

  it('a replay until T reproduces the live model as it stood at T', async () => {
    const job = await runReplay(app, { readModel: READ_MODEL, until: { time: t.toISOString() }, mode: 'snapshot' });
    expect(job.status).toBe('completed');
    expect(job.until).toMatchObject({ kind: 'time', time: t.toISOString() });
    const snapshot = await connectionOf(app).db!.collection<StoredReadModelDocument>(job.report!.snapshotCollection!).find({}).toArray();
    expect(snapshot.map((d) => d._id).sort()).toEqual([...atT.keys()].sort());
    for (const doc of snapshot) expect([doc._id, compareDocuments(atT.get(doc._id), doc)]).toEqual([doc._id, 'same']);

    const members = await http().get(`/v1/admin/replays/${job.id}/documents`).query({ filter: JSON.stringify({ stage: 'repeat-customer' }) }).set(authHeader()).expect(200);
    expect(members.body.items.map((d: { _id: string }) => d._id).sort()).toEqual([...atT.values()].filter((d) => d['stage'] === 'repeat-customer').map((d) => d._id).sort());
    await http().delete(`/v1/admin/replays/${job.id}/snapshot`).set(authHeader()).expect(204);
    await http().get(`/v1/admin/replays/${job.id}/documents`).set(authHeader()).expect(404);
  });

  it('time travel folds one customer up to T, through the service and its API', async () => {
    const c1 = await app.get(ReplayService).documentAsOf(READ_MODEL, 'c1', { asOf: { time: t } });
    expect(changedFields(atT.get('c1')!, c1 as unknown as StoredReadModelDocument)).toEqual([]);
    expect(compareDocuments(atT.get('c1'), c1 as unknown as StoredReadModelDocument)).toBe('same');
    expect(c1).toMatchObject({ orders: 3, revenueMinor: 2200 }); // with c3 absorbed, before the late order

    const res = await http().get('/v1/admin/read-models/contact-card/documents/c2').query({ asOf: t.toISOString() }).set(authHeader()).expect(200);
    expect(compareDocuments(atT.get('c2'), res.body.document)).toBe('same');
    expect(res.body.document.email).toBe('c2@example.com');
    const now = await http().get('/v1/admin/read-models/contact-card/documents/c2').query({ asOf: new Date().toISOString() }).set(authHeader()).expect(200);
    expect(now.body.document.email).toBe('c2.after@example.com');

    await http().get('/v1/admin/read-models/contact-card/documents/c30').query({ asOf: t.toISOString() }).set(authHeader()).expect(404);
    const byPosition = await http().get('/v1/admin/read-models/contact-card/customers/c30/documents').query({ asOfPosition: '999999999' }).set(authHeader()).expect(200);
    expect(byPosition.body.documents).toHaveLength(1);
  });

  it('an incremental replay from T refolds the customers with events after T and trusts the rest', async () => {
    await cards().updateOne({ _id: 'c1' }, { $set: { revenueMinor: -1 } }); // events after T: refolded
    await cards().updateOne({ _id: 'c7' }, { $set: { revenueMinor: -7 } }); // none after T: copied as is
    const job = await runReplay(app, { readModel: READ_MODEL, from: { time: t.toISOString() }, mode: 'swap' });
    expect(job.status).toBe('completed');
    expect(job.from).toMatchObject({ kind: 'time' });
    const live = await liveDocs();
    expect(live.get('c1')).toMatchObject({ revenueMinor: 2205 });
    expect(live.get('c7')).toMatchObject({ revenueMinor: -7 });
    expect(job.report!.diff).toMatchObject({ changed: 1, changedFields: { revenueMinor: 1 } });
    await cards().updateOne({ _id: 'c7' }, { $set: { revenueMinor: 700 } });
    await expectRebuildEqualsLive(app, READ_MODEL);
  });
});

describe('schema evolution in replay', () => {
  it('folds a history mixing crm.profile.updated v1 and v2 like the same history in v2', async () => {
    const updates = (c: string, v1: boolean): EventEnvelope[] => [
      registered(c),
      v1
        ? customerEvent(c, 'crm.profile.updated', { email: 'first@example.com', phone: '+49 30 1234567' }, { schemaVersion: 1 })
        : customerEvent(c, 'crm.profile.updated', { contact: { email: 'first@example.com', phone: '+49 30 1234567' } }, { schemaVersion: 2 }),
      customerEvent(c, 'crm.profile.updated', { contact: { email: 'second@example.com' } }, { schemaVersion: 2 }),
      v1 ? customerEvent(c, 'crm.profile.updated', { phone: '+33 1 23 45 67 89' }, { schemaVersion: 1 }) : customerEvent(c, 'crm.profile.updated', { contact: { phone: '+33 1 23 45 67 89' } }, { schemaVersion: 2 }),
    ];
    await appendCustomerEvents(store, [...updates('mixed', true), ...updates('v2only', false)]);
    await waitUntilConsumed(settings);
    const job = await runReplay(app, { readModel: READ_MODEL, mode: 'snapshot' });
    const rebuilt = connectionOf(app).db!.collection<StoredReadModelDocument>(job.report!.snapshotCollection!);
    const [mixed, v2only] = await Promise.all([rebuilt.findOne({ _id: 'mixed' }), rebuilt.findOne({ _id: 'v2only' })]);
    const { _id: _a, customerId: _b, _metadata: mixedMeta, ...mixedState } = mixed!;
    const { _id: _c, customerId: _d, _metadata: v2Meta, ...v2State } = v2only!;
    expect(mixedState).toEqual(v2State);
    expect(mixedState).toMatchObject({ email: 'second@example.com', phone: '+33 1 23 45 67 89', events: 4 });
    expect(mixedMeta!.revision).toBe(v2Meta!.revision);
    await http().delete(`/v1/admin/replays/${job.id}/snapshot`).set(authHeader()).expect(204);
    await expectRebuildEqualsLive(app, READ_MODEL);
  });
});

describe('admin API', () => {
  it('lists the read models and reads the event log', async () => {
    const models = await http().get('/v1/admin/read-models').set(authHeader()).expect(200);
    expect(models.body).toEqual([
      expect.objectContaining({ name: READ_MODEL, model: 'ContactCard', collection: 'contact_cards', streams: ['customer', 'lifecycle'], derivesEvents: true, replayAvailable: true, runningReplay: null }),
    ]);
    const stream = await http().get('/v1/admin/events/streams/customer-c1').set(authHeader()).expect(200);
    expect(stream.body.events.map((e: { revision: number }) => e.revision)).toEqual([0, 1, 2, 3, 4]);
    expect(stream.body.events[1]).toMatchObject({ type: 'crm.profile.updated', data: { email: 'c1.new@example.com' }, metadata: { schemaVersion: 1 } });
    const page = await http().get('/v1/admin/events').query({ limit: 3 }).set(authHeader()).expect(200);
    expect(page.body.events).toHaveLength(3);
    const next = await http().get('/v1/admin/events').query({ after: page.body.next, limit: 1 }).set(authHeader()).expect(200);
    expect(BigInt(next.body.events[0].position)).toBeGreaterThan(BigInt(page.body.next));
    const exported = await http().get('/v1/admin/events/export').query({ upTo: page.body.next }).set(authHeader()).expect(200);
    expect(exported.headers['content-type']).toMatch(/application\/x-ndjson/);
    expect(exported.text.trim().split('\n').map((l) => JSON.parse(l).eventId)).toEqual(page.body.events.map((e: { eventId: string }) => e.eventId));
  });

  it('requires admin:replay', async () => {
    await http().get('/v1/admin/read-models').expect(401);
    const res = await http().post('/v1/admin/replays').set('x-api-key', OPERATOR_WITHOUT_ADMIN).send({ readModel: READ_MODEL }).expect(403);
    expect(res.body.missingScopes).toEqual(['admin:replay']);
  });

  it('answers bad requests with 400, unknown names with 404 and a second replay of a model with 409', async () => {
    const bad = await http().post('/v1/admin/replays').set(authHeader()).send({ readModel: READ_MODEL, until: { time: 'yesterday' }, mode: 'sideways' }).expect(400);
    expect(bad.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['mode', 'until.time']);
    const swapToPast = await http().post('/v1/admin/replays').set(authHeader()).send({ readModel: READ_MODEL, until: { position: '3' } }).expect(400);
    expect(swapToPast.body.message).toMatch(/dry-run|snapshot/);
    await http().post('/v1/admin/replays').set(authHeader()).send({ readModel: 'nope' }).expect(404);
    await http().get('/v1/admin/replays/nope').set(authHeader()).expect(404);

    // One replay per read model at a time: the model's lock is held by a running replay.
    const locks = connectionOf(app).db!.collection<{ _id: string; jobId: string }>('replay_locks');
    await locks.insertOne({ _id: READ_MODEL, jobId: 'held-elsewhere' });
    try {
      const second = await http().post('/v1/admin/replays').set(authHeader()).send({ readModel: 'ContactCard', mode: 'dry-run' }).expect(409);
      expect(second.body.message).toContain('held-elsewhere');
    } finally {
      await locks.deleteOne({ _id: READ_MODEL });
    }
  });

  it('answers 503 in a service started without an event store', async () => {
    // A read model that derives nothing: one that derives cannot run without an event store at all.
    const { derive: _derive, ...plain } = contactCardProjection;
    const blind = await startApp(undefined, { withoutEventStore: true, readModels: [{ ...contactCardReadModel, projection: plain as DocumentProjection<object> }] });
    try {
      const res = await request(blind.getHttpServer()).post('/v1/admin/replays').set(authHeader()).send({ readModel: READ_MODEL }).expect(503);
      expect(res.body.message).toMatch(/without an event store \(EVENT_STORE \/ POSTGRES_URL\)/);
      const models = await request(blind.getHttpServer()).get('/v1/admin/read-models').set(authHeader()).expect(200);
      expect(models.body[0]).toMatchObject({ replayAvailable: false });
    } finally {
      await blind.close();
    }
  });
});
