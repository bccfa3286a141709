import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { CustomerEventRecord, EventEnvelope } from '@crm/contracts';
import { authHeader, testApiKeyEnv } from '@crm/platform/testing';
import type { ReadSideService } from '@crm/projections';
import { isolatedReadSideEnv, startReadSideApp, stopReadSideApp, type ReadSideTestApp } from '@crm/projections/testing';
import { loadProfileSettings } from '../profile.env';
import { ProfileModule } from '../profile.module';

// Real MongoDB-wire server and Kafka (infra/local/crm-infra up), isolated per run.
const settings = loadProfileSettings({ ...isolatedReadSideEnv('profile'), ...testApiKeyEnv() });

let test: ReadSideTestApp;
let app: INestApplication;
let readSide: ReadSideService;
const get = (path: string) => request(app.getHttpServer()).get(path).set(authHeader());

const record = (subject: string, revision: number, type: string, data: Record<string, unknown>, time: string): CustomerEventRecord => {
  const envelope: EventEnvelope = { id: `${subject}-${revision}`, type, schemaVersion: 1, source: 'it', subject, time, data };
  return { envelope, streamRevision: revision, position: String(2000 + revision) };
};

const history = [
  record('mx', 0, 'crm.customer.registered', { email: 'mx@example.com', country: 'DE' }, '2026-05-02T10:00:00.000Z'),
  record('mx', 1, 'crm.order.completed', { orderId: 'o-x1', totalMinor: 1000, currency: 'EUR' }, '2026-05-03T10:00:00.000Z'),
  record('my', 0, 'crm.customer.registered', { email: 'my@example.com', country: 'DE', firstName: 'Yo' }, '2026-05-01T10:00:00.000Z'),
  record('my', 1, 'crm.order.completed', { orderId: 'o-y1', totalMinor: 400, currency: 'EUR' }, '2026-05-01T11:00:00.000Z'),
  record('my', 2, 'crm.order.completed', { orderId: 'o-y2', totalMinor: 90, currency: 'USD' }, '2026-05-01T12:00:00.000Z'),
  record('mx', 2, 'crm.identity.linked', { kind: 'email', value: 'my@example.com' }, '2026-05-04T10:00:00.000Z'),
  record('my', 3, 'crm.customer.merged', { survivorId: 'mx', mergedId: 'my', reason: 'identity', identity: { kind: 'email', value: 'my@example.com' } }, '2026-05-04T10:00:00.000Z'),
];

beforeAll(async () => {
  test = await startReadSideApp(ProfileModule.register(settings), settings.kafka);
  ({ app, readSide } = test);
});

afterAll(() => stopReadSideApp(test));

describe('merged customers in the profile read model', () => {
  const expected = {
    customerId: 'mx',
    email: 'mx@example.com',
    firstName: 'Yo',
    orders: 3,
    revenueMinorByCurrency: { EUR: 1400, USD: 90 },
    lifecycleStage: 'repeat-customer',
    firstSeenAt: '2026-05-01T10:00:00.000Z',
    mergedFrom: ['my'],
  };

  it('serves the survivor with the combined lifetime figures, and the merged id as the survivor', async () => {
    await readSide.applyToAll(history);
    const x = await get('/v1/customers/mx').expect(200);
    expect(x.body).toMatchObject(expected);
    expect(x.body.redirectedFrom).toBeUndefined();
    const y = await get('/v1/customers/my').expect(200);
    expect(y.body).toMatchObject({ ...expected, redirectedFrom: 'my' });
  });

  it('changes nothing when the batch is applied again', async () => {
    const before = (await get('/v1/customers/mx').expect(200)).body;
    await readSide.applyToAll(history);
    const after = (await get('/v1/customers/mx').expect(200)).body;
    expect(after).toEqual(before);
    expect(after).toMatchObject(expected);
  });

  it('lists the survivor with combined figures and leaves the merged customer out', async () => {
    const res = await get('/v1/customers?country=DE').expect(200);
    expect(res.body.total).toBe(1);
    expect(res.body.items).toEqual([expect.objectContaining({ customerId: 'mx', orders: 3, mergedFrom: ['my'] })]);
  });
});
