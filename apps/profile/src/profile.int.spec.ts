import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { CustomerEventRecord, EventEnvelope } from '@crm/contracts';
import type { ReadSideService } from '@crm/projections';
import { isolatedReadSideEnv, startReadSideApp, stopReadSideApp, type ReadSideTestApp } from '@crm/projections/testing';
import { loadProfileSettings } from './profile.env';
import { ProfileModule } from './profile.module';

// Real MongoDB-wire server and Kafka (infra/local/crm-infra up), isolated per run (isolatedReadSideEnv).
const settings = loadProfileSettings(isolatedReadSideEnv('profile'));

let test: ReadSideTestApp;
let app: INestApplication;
let readSide: ReadSideService;

const record = (subject: string, revision: number, type: string, data: Record<string, unknown>, time: string): CustomerEventRecord => {
  const envelope: EventEnvelope = { id: `${subject}-${revision}`, type, schemaVersion: 1, source: 'it', subject, time, data };
  return { envelope, streamRevision: revision, position: String(1000 + revision) };
};

const journey = [
  record('zoe', 0, 'crm.customer.registered', { email: 'zoe@example.com', country: 'NL' }, '2026-05-01T10:00:00.000Z'),
  record('zoe', 1, 'crm.order.completed', { orderId: 'o-1', totalMinor: 2500, currency: 'EUR' }, '2026-05-02T10:00:00.000Z'),
  record('zoe', 2, 'crm.order.completed', { orderId: 'o-2', totalMinor: 1500, currency: 'EUR' }, '2026-05-03T10:00:00.000Z'),
  record('yann', 0, 'crm.customer.registered', { email: 'yann@example.com', country: 'FR' }, '2026-05-01T11:00:00.000Z'),
];

beforeAll(async () => {
  test = await startReadSideApp(ProfileModule.register(settings), settings.kafka);
  ({ app, readSide } = test);
});

afterAll(() => stopReadSideApp(test));

describe('customer profile read model', () => {
  it('projects a journey and serves it by customer id', async () => {
    await readSide.applyToAll(journey);
    const res = await request(app.getHttpServer()).get('/v1/customers/zoe').expect(200);
    expect(res.body).toMatchObject({
      customerId: 'zoe',
      email: 'zoe@example.com',
      country: 'NL',
      orders: 2,
      revenueMinorByCurrency: { EUR: 4000 },
      lifecycleStage: 'repeat-customer',
      eventCount: 3,
      _metadata: { name: 'customer-profile', revision: 2, position: '1002' },
    });
  });

  it('counts a redelivered event once (same batch twice, and an overlapping batch)', async () => {
    await readSide.applyToAll(journey);
    await readSide.applyToAll([journey[2], record('zoe', 3, 'crm.order.completed', { orderId: 'o-3', totalMinor: 100, currency: 'EUR' }, '2026-05-04T10:00:00.000Z')]);
    const res = await request(app.getHttpServer()).get('/v1/customers/zoe').expect(200);
    expect(res.body).toMatchObject({ orders: 3, revenueMinorByCurrency: { EUR: 4100 }, eventCount: 4, _metadata: { revision: 3 } });
  });

  it('lists customers by country with paging, and 404s an unknown customer', async () => {
    const res = await request(app.getHttpServer()).get('/v1/customers?country=FR&pageSize=10').expect(200);
    expect(res.body).toMatchObject({ total: 1, page: 1, pageSize: 10 });
    expect(res.body.items[0].customerId).toBe('yann');
    await request(app.getHttpServer()).get('/v1/customers/nobody').expect(404);
  });

  it('rejects bad list filters with field errors', async () => {
    const res = await request(app.getHttpServer()).get('/v1/customers?country=Germany&pageSize=0').expect(400);
    expect(res.body.errors.map((e: { field: string }) => e.field).sort()).toEqual(['country', 'pageSize']);
  });
});
