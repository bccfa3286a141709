import type { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { Kafka, logLevel } from 'kafkajs';
import { order as completedOrder, pointsEarned, segmentEntered } from '@crm/analytics-domain/testing';
import { Topics, type CustomerEventRecord, type EventEnvelope } from '@crm/contracts';
import { toKafkaMessage } from '@crm/messaging';
import { authHeader } from '@crm/platform/testing';
import type { ReadSideService } from '@crm/projections';
import { isolatedReadSideEnv, startReadSideApp, stopReadSideApp, type ReadSideTestApp } from '@crm/projections/testing';
import { loadAnalyticsSettings } from './analytics.env';
import { AnalyticsModule } from './analytics.module';
import { toRecords } from './testing/event-records';

// Real MongoDB-wire server and Kafka (infra/local/crm-infra up), isolated per run (isolatedReadSideEnv).
const settings = loadAnalyticsSettings(isolatedReadSideEnv('analytics'));

let test: ReadSideTestApp;
let app: INestApplication;
let readSide: ReadSideService;

const record = (subject: string, revision: number, time: string, type: string, data: Record<string, unknown>): CustomerEventRecord => {
  const envelope: EventEnvelope = { id: `${subject}-${revision}`, type, schemaVersion: 1, source: 'it', subject, time, data };
  return { envelope, streamRevision: revision, position: String(1000 + revision) };
};
const order = (subject: string, revision: number, time: string, totalMinor: number, currency = 'EUR') =>
  record(subject, revision, time, 'crm.order.completed', { orderId: `${subject}-o${revision}`, totalMinor, currency });

const batch = [
  record('ana', 0, '2026-05-01T08:00:00.000Z', 'crm.customer.registered', { email: 'ana@example.com' }),
  order('ana', 1, '2026-05-01T09:00:00.000Z', 500),
  order('ana', 2, '2026-05-02T23:30:00-02:00', 10), // 2026-05-03 in UTC: outside the period queried below
  order('ben', 0, '2026-05-01T12:00:00.000Z', 100, 'USD'),
  order('ben', 1, '2026-05-02T12:00:00.000Z', 250),
];

beforeAll(async () => {
  test = await startReadSideApp(AnalyticsModule.register(settings), settings.kafka);
  ({ app, readSide } = test);
});

afterAll(() => stopReadSideApp(test));

describe('daily KPIs read model', () => {
  it('sums customer-days per UTC day, counting the same batch applied twice once', async () => {
    await readSide.applyToAll(batch);
    await readSide.applyToAll(batch);
    const res = await request(app.getHttpServer()).get('/v1/kpis/daily?from=2026-05-01&to=2026-05-02').set(authHeader()).expect(200);
    expect(res.body).toEqual({
      from: '2026-05-01',
      to: '2026-05-02',
      days: [
        { day: '2026-05-01', orders: 2, revenueMinorByCurrency: { EUR: 500, USD: 100 }, newCustomers: 1, activeCustomers: 2 },
        { day: '2026-05-02', orders: 1, revenueMinorByCurrency: { EUR: 250 }, newCustomers: 0, activeCustomers: 1 },
      ],
    });
  });

  it('totals a period with distinct active customers, skipping a redelivered event in an overlapping batch', async () => {
    await readSide.applyToAll([order('ben', 1, '2026-05-02T12:00:00.000Z', 250), order('ben', 2, '2026-05-03T12:00:00.000Z', 40)]);
    const res = await request(app.getHttpServer()).get('/v1/kpis/summary?from=2026-05-01&to=2026-05-03').set(authHeader()).expect(200);
    expect(res.body).toEqual({
      from: '2026-05-01',
      to: '2026-05-03',
      orders: 5,
      revenueMinorByCurrency: { EUR: 800, USD: 100 },
      newCustomers: 1,
      activeCustomers: 2,
    });
  });

  it('defaults to the 30 days ending today (UTC)', async () => {
    const res = await request(app.getHttpServer()).get('/v1/kpis/daily').set(authHeader()).expect(200);
    const today = new Date().toISOString().slice(0, 10);
    const from = new Date(Date.now() - 29 * 86_400_000).toISOString().slice(0, 10);
    expect(res.body).toMatchObject({ from, to: today });
  });

  it.each([
    ['from=2026-05-03&to=2026-05-01', 'from must be on or before to'],
    ['from=2025-01-01&to=2026-05-01', 'must not exceed 366 days'],
    ['from=2026-02-30', 'calendar day'],
  ])('rejects %s with a field error', async (query, message) => {
    const res = await request(app.getHttpServer()).get(`/v1/kpis/daily?${query}`).set(authHeader()).expect(400);
    expect(res.body.errors).toEqual([{ field: 'from', messages: [expect.stringContaining(message)] }]);
  });

  it('accepts a whole leap year (366 days) and rejects unknown parameters', async () => {
    await request(app.getHttpServer()).get('/v1/kpis/summary?from=2024-01-01&to=2024-12-31').set(authHeader()).expect(200);
    const res = await request(app.getHttpServer()).get('/v1/kpis/summary?day=2026-05-01').set(authHeader()).expect(400);
    expect(res.body.errors.map((e: { field: string }) => e.field)).toEqual(['day']);
  });
});

describe('consuming the topics', () => {
  it('folds customer events, loyalty events and segment membership arriving over Kafka', async () => {
    const kafkaRecords = toRecords([completedOrder('kim', '2026-06-02', 'k1', 900), pointsEarned('kim', '2026-06-02', 9), segmentEntered('kim', '2026-06-02', 'kafka-seg')], 5000);
    const topicOf = (streamId: string) =>
      settings.kafka.KAFKA_TOPIC_PREFIX +
      (streamId.startsWith('loyalty-') ? Topics.loyaltyEvents : streamId.startsWith('segment-membership-') ? Topics.segmentMembership : Topics.customerEvents);
    const producer = new Kafka({ brokers: settings.kafka.KAFKA_BROKERS, logLevel: logLevel.NOTHING }).producer();
    await producer.connect();
    try {
      // The consumer creates its topics when it starts; wait until it is consuming.
      await eventually(async () => expect((await request(app.getHttpServer()).get('/health/ready')).status).toBe(200));
      for (const r of kafkaRecords) {
        const { envelope } = r;
        const message = toKafkaMessage({
          eventId: envelope.id,
          type: envelope.type,
          streamId: r.streamId!,
          revision: r.streamRevision,
          position: BigInt(r.position),
          data: envelope.data,
          metadata: { schemaVersion: envelope.schemaVersion, source: envelope.source, subject: envelope.subject, time: envelope.time },
          recordedAt: new Date(envelope.time),
        });
        await producer.send({ topic: topicOf(r.streamId!), messages: [message] });
      }
    } finally {
      await producer.disconnect();
    }
    await eventually(async () => {
      const kpis = await request(app.getHttpServer()).get('/v1/kpis?from=2026-06-01&to=2026-06-30&segment=kafka-seg').set(authHeader()).expect(200);
      const value = Object.fromEntries(kpis.body.kpis.map((k: { kpi: string; value: unknown }) => [k.kpi, k.value]));
      expect(value).toMatchObject({ 'average-order-value': { EUR: 900 }, 'loyalty-engagement': 1 });
    });
  });
});

async function eventually(check: () => Promise<void>, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}
