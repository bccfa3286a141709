import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import type { CustomerEventRecord, EventEnvelope } from '@crm/contracts';
import { DEFAULT_PROGRAM } from '@crm/loyalty-domain';
import { authHeader } from '@crm/platform/testing';
import type { ReadSideService } from '@crm/projections';
import { isolatedReadSideEnv, startReadSideApp, stopReadSideApp, type ReadSideTestApp } from '@crm/projections/testing';
import { loadLoyaltySettings } from './loyalty.env';
import { LoyaltyModule } from './loyalty.module';

// Real MongoDB-wire server and Kafka (infra/local/crm-infra up), isolated per run (isolatedReadSideEnv).
const settings = loadLoyaltySettings(isolatedReadSideEnv('loyalty'));

let test: ReadSideTestApp;
let app: INestApplication;
let readSide: ReadSideService;

const record = (subject: string, revision: number, type: string, data: Record<string, unknown>): CustomerEventRecord => {
  const envelope: EventEnvelope = {
    id: `${subject}-${revision}`, type, schemaVersion: 1, source: 'it', subject, time: `2026-05-0${revision + 1}T10:00:00.000Z`, data,
  };
  return { envelope, streamRevision: revision, position: String(1000 + revision) };
};
const registered = (subject: string) => record(subject, 0, 'crm.customer.registered', { email: `${subject}@example.com` });
const order = (subject: string, revision: number, totalMinor: number) =>
  record(subject, revision, 'crm.order.completed', { orderId: `${subject}-o${revision}`, totalMinor, currency: 'EUR' });

const batch = [
  registered('ana'), order('ana', 1, 60_000), order('ana', 2, 50_099), // 600 + 500 points: silver
  registered('ben'), // no points yet: bronze
  registered('cleo'), order('cleo', 1, 600_000), // 6000 points: gold
];

beforeAll(async () => {
  test = await startReadSideApp(LoyaltyModule.register(settings), settings.kafka);
  ({ app, readSide } = test);
});

afterAll(() => stopReadSideApp(test));

describe('loyalty balance read model', () => {
  it('earns points once when the same batch is applied twice', async () => {
    await readSide.applyToAll(batch);
    await readSide.applyToAll(batch);
    const res = await request(app.getHttpServer()).get('/v1/loyalty/accounts/ana').set(authHeader()).expect(200);
    expect(res.body).toEqual({
      customerId: 'ana',
      balance: 1100,
      lifetimePoints: 1100,
      tier: 'silver',
      lastEarnedAt: '2026-05-03T10:00:00.000Z',
      // writes: 1 — the second application of the batch wrote nothing.
      _metadata: { name: 'loyalty-balance', schemaVersion: 1, revision: 2, position: '1002', updatedAt: expect.any(String), writes: 1 },
    });
  });

  it('keeps an account without earnings at the lowest tier, with no last earning', async () => {
    const res = await request(app.getHttpServer()).get('/v1/loyalty/accounts/ben').set(authHeader()).expect(200);
    expect(res.body).toMatchObject({ balance: 0, lifetimePoints: 0, tier: 'bronze', lastEarnedAt: null });
  });

  it('counts accounts per tier, including a redelivered order in an overlapping batch only once', async () => {
    await readSide.applyToAll([order('cleo', 1, 600_000), order('ben', 1, 100_000)]);
    const res = await request(app.getHttpServer()).get('/v1/loyalty/tiers').set(authHeader()).expect(200);
    expect(res.body).toEqual([
      { tier: 'bronze', members: 0 },
      { tier: 'silver', members: 2 },
      { tier: 'gold', members: 1 },
    ]);
    const cleo = await request(app.getHttpServer()).get('/v1/loyalty/accounts/cleo').set(authHeader()).expect(200);
    expect(cleo.body).toMatchObject({ balance: 6000, tier: 'gold' });
  });

  it('serves the program and 404s an unknown account', async () => {
    const res = await request(app.getHttpServer()).get('/v1/loyalty/program').set(authHeader()).expect(200);
    expect(res.body).toEqual(DEFAULT_PROGRAM);
    await request(app.getHttpServer()).get('/v1/loyalty/accounts/nobody').set(authHeader()).expect(404);
  });
});

describe('merged customers', () => {
  const merged = (subject: string, revision: number, survivorId: string) =>
    record(subject, revision, 'crm.customer.merged', { survivorId, mergedId: subject, reason: 'identity', identity: { kind: 'email', value: `${subject}@example.com` } });

  it("moves the merged customer's points to the survivor once, whatever the order and however often delivered", async () => {
    // The merge is projected before any of the survivor's own events (they sit on another partition).
    const mergeBatch = [registered('yuri'), order('yuri', 1, 80_000), merged('yuri', 2, 'xena')];
    await readSide.applyToAll(mergeBatch);
    await readSide.applyToAll([registered('xena'), order('xena', 1, 30_000)]);
    await readSide.applyToAll(mergeBatch); // redelivered
    const xena = await request(app.getHttpServer()).get('/v1/loyalty/accounts/xena').set(authHeader()).expect(200);
    expect(xena.body).toMatchObject({ customerId: 'xena', balance: 1100, lifetimePoints: 1100, tier: 'silver' });
    const yuri = await request(app.getHttpServer()).get('/v1/loyalty/accounts/yuri').set(authHeader()).expect(200);
    expect(yuri.body).toMatchObject({ customerId: 'xena', balance: 1100, redirectedFrom: 'yuri' });
  });
});
