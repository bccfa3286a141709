import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { CustomerEventRecord, EventEnvelope } from '@crm/contracts';
import { authHeader } from '@crm/platform/testing';
import type { ReadSideService } from '@crm/projections';
import { isolatedReadSideEnv, startReadSideApp, stopReadSideApp, type ReadSideTestApp } from '@crm/projections/testing';
import { loadSegmentationSettings } from './segmentation.env';
import { SegmentationModule } from './segmentation.module';

// Real MongoDB-wire server and Kafka (infra/local/crm-infra up), isolated per run (isolatedReadSideEnv).
const settings = loadSegmentationSettings(isolatedReadSideEnv('segmentation'));

let test: ReadSideTestApp;
let app: INestApplication;
let readSide: ReadSideService;

const record = (subject: string, revision: number, type: string, data: Record<string, unknown>): CustomerEventRecord => {
  const envelope: EventEnvelope = {
    id: `${subject}-${revision}`, type, schemaVersion: 1, source: 'it', subject, time: `2026-05-0${revision + 1}T10:00:00.000Z`, data,
  };
  return { envelope, streamRevision: revision, position: String(1000 + revision) };
};
const registered = (subject: string) => record(subject, 0, 'crm.customer.registered', { email: `${subject}@example.com`, country: 'DE' });
const order = (subject: string, revision: number, totalMinor: number) =>
  record(subject, revision, 'crm.order.completed', { orderId: `${subject}-o${revision}`, totalMinor, currency: 'EUR' });

const batch = [
  registered('ana'), order('ana', 1, 30_000), order('ana', 2, 25_000), // repeat buyer, high value
  registered('ben'), // prospect
  registered('cleo'), order('cleo', 1, 60_000), // high value after one order
];

beforeAll(async () => {
  test = await startReadSideApp(SegmentationModule.register(settings), settings.kafka);
  ({ app, readSide } = test);
});

afterAll(() => stopReadSideApp(test));

describe('customer segments read model', () => {
  it('counts each member once when the same batch is applied twice', async () => {
    await readSide.applyToAll(batch);
    await readSide.applyToAll(batch);
    const res = await request(app.getHttpServer()).get('/v1/segments').set(authHeader()).expect(200);
    expect(res.body).toEqual([
      { id: 'prospects', name: 'Registered, no purchase yet', rule: [{ field: 'orders', op: 'eq', value: 0 }], members: 1 },
      { id: 'repeat-buyers', name: 'Two or more orders', rule: [{ field: 'orders', op: 'gte', value: 2 }], members: 1 },
      { id: 'high-value', name: 'Lifetime spend of 500.00 or more', rule: [{ field: 'spendMinor', op: 'gte', value: 50_000 }], members: 2 },
    ]);
    const one = await request(app.getHttpServer()).get('/v1/segments/high-value').set(authHeader()).expect(200);
    expect(one.body).toMatchObject({ id: 'high-value', members: 2 });
  });

  it("serves a customer's segments and facts, skipping a redelivered event in an overlapping batch", async () => {
    await readSide.applyToAll([order('ana', 2, 25_000), order('ana', 3, 1_000)]);
    const res = await request(app.getHttpServer()).get('/v1/customers/ana/segments').set(authHeader()).expect(200);
    expect(res.body).toMatchObject({
      customerId: 'ana',
      country: 'DE',
      orders: 3,
      spendMinor: 56_000,
      segments: ['repeat-buyers', 'high-value'],
      _metadata: { name: 'customer-segments', revision: 3, position: '1003' },
    });
  });

  it('pages the members of a segment by customer id, with their facts', async () => {
    const first = await request(app.getHttpServer()).get('/v1/segments/high-value/members?pageSize=1').set(authHeader()).expect(200);
    expect(first.body).toMatchObject({ page: 1, pageSize: 1, total: 2 });
    expect(first.body.items).toEqual([
      { customerId: 'ana', country: 'DE', orders: 3, spendMinor: 56_000, spendCurrency: 'EUR', registeredAt: '2026-05-01T10:00:00.000Z', lastOrderAt: '2026-05-04T10:00:00.000Z' },
    ]);
    const second = await request(app.getHttpServer()).get('/v1/segments/high-value/members?page=2&pageSize=1').set(authHeader()).expect(200);
    expect(second.body.items.map((m: { customerId: string }) => m.customerId)).toEqual(['cleo']);
  });

  it('answers 404 for an unknown segment or customer and 400 with field errors for bad paging', async () => {
    await request(app.getHttpServer()).get('/v1/segments/vip').set(authHeader()).expect(404);
    await request(app.getHttpServer()).get('/v1/segments/vip/members').set(authHeader()).expect(404);
    await request(app.getHttpServer()).get('/v1/customers/nobody/segments').set(authHeader()).expect(404);
    const res = await request(app.getHttpServer()).get('/v1/segments/prospects/members?page=0&pageSize=501').set(authHeader()).expect(400);
    expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['page', 'pageSize']);
  });
});

describe('merged customers', () => {
  const merged = (subject: string, revision: number, survivorId: string) =>
    record(subject, revision, 'crm.customer.merged', { survivorId, mergedId: subject, reason: 'identity', identity: { kind: 'email', value: `${subject}@example.com` } });

  it('judges the survivor on the combined facts and drops the merged customer from every segment, once', async () => {
    const before = (await request(app.getHttpServer()).get('/v1/segments').set(authHeader()).expect(200)).body as { id: string; members: number }[];
    const count = (list: { id: string; members: number }[], id: string) => list.find((s) => s.id === id)!.members;
    await readSide.applyToAll([registered('xia'), order('xia', 1, 20_000)]);
    const mergeBatch = [registered('yan'), order('yan', 1, 40_000), merged('yan', 2, 'xia')];
    await readSide.applyToAll(mergeBatch);
    await readSide.applyToAll(mergeBatch); // redelivered: absorbed once
    const xia = await request(app.getHttpServer()).get('/v1/customers/xia/segments').set(authHeader()).expect(200);
    expect(xia.body).toMatchObject({ orders: 2, spendMinor: 60_000, segments: ['repeat-buyers', 'high-value'] });
    const yan = await request(app.getHttpServer()).get('/v1/customers/yan/segments').set(authHeader()).expect(200);
    expect(yan.body).toMatchObject({ customerId: 'xia', redirectedFrom: 'yan' });
    const after = (await request(app.getHttpServer()).get('/v1/segments').set(authHeader()).expect(200)).body as { id: string; members: number }[];
    expect(count(after, 'repeat-buyers')).toBe(count(before, 'repeat-buyers') + 1);
    expect(count(after, 'high-value')).toBe(count(before, 'high-value') + 1);
    expect(count(after, 'prospects')).toBe(count(before, 'prospects'));
  });
});
