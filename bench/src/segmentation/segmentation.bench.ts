/**
 * Segmentation: back-fill time of a new segment over BENCH_SEGMENT_CUSTOMERS (100,000) customers
 * and live re-evaluation throughput, on the built service (`dist/apps/segmentation`) and the real
 * servers, in its own database, topic prefix, consumer group and event-store schema, all removed
 * afterwards.
 *
 *   seed       the customers' compact facts written straight into MongoDB in the service's stored
 *              form (the back-fill figure is about judging stored facts, not about folding history);
 *              the service then starts on them and back-fills its three starter segments.
 *   back-fill  a new segment (country ∈ DACH, ≥ 2 orders in 90 days, email marketing consent) is
 *              POSTed; the figure is the duration the service reports for the back-fill: one streamed
 *              read of every customer, the membership events appended to PostgreSQL and the changed
 *              customers written.
 *   live       BENCH_SEGMENT_LIVE_EVENTS customer events (orders and email opens for existing
 *              customers) published to the service's customer-events topic; events/s from the first
 *              publish until its projection has applied them all (each re-judges its customer
 *              against every segment and derives membership events).
 *
 * Knobs (env): BENCH_SEGMENT_CUSTOMERS (100000), BENCH_SEGMENT_LIVE_EVENTS (20000),
 * BENCH_SEGMENT_LIVE_CUSTOMERS (5000), BENCH_SEGMENT_PORT (4303).
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import mongoose from 'mongoose';
import { Client } from 'pg';
import { Topics } from '@crm/contracts';
import { toKafkaMessage } from '@crm/messaging';
import {
  benchAuthEnv,
  BENCH_API_KEY,
  ensureInfra,
  httpGet,
  promCounter,
  REPO_ROOT,
  RssSampler,
  SERVICE_NODE_OPTIONS,
  stopService,
  waitReady,
  type InfraEnv,
  type RunningService,
} from '../services';
import { round } from '../stats';
import { SEEDED_REVISION, syntheticCustomerDocument, syntheticCustomerId } from './synthetic-facts';

export interface SegmentationBenchOptions {
  readonly log: (line: string) => void;
  /** Connection settings; found (and the servers started) with `ensureInfra` when absent. */
  readonly infra?: InfraEnv;
  /** Where the service's log goes; default bench/results/logs. */
  readonly logDir?: string;
}

export type SegmentationBenchResult = Record<string, number>;

const int = (name: string, fallback: number): number => {
  const raw = process.env[name];
  const n = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer (got ${raw})`);
  return n;
};

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

const BENCH_SEGMENT = {
  id: 'bench-dach-repeat-emailable',
  name: 'DACH, two or more orders in 90 days, emailable',
  rule: {
    all: [
      { field: 'country', in: ['DE', 'AT', 'CH'] },
      { event: 'crm.order.completed', withinDays: 90, count: { gte: 2 } },
      { consent: { channel: 'email', purpose: 'marketing' } },
    ],
  },
};

interface BackfillState {
  status: string;
  version: number;
  durationMs?: number;
  customersScanned?: number;
  entered?: number;
  exited?: number;
  error?: string;
}

/** What a new installation starts with (see the service's starter segments). */
const STARTER_SEGMENT_IDS = ['prospects', 'repeat-buyers', 'high-value'];

export async function runSegmentationBench(options: SegmentationBenchOptions): Promise<SegmentationBenchResult> {
  const { log } = options;
  const customers = int('BENCH_SEGMENT_CUSTOMERS', 100_000);
  const liveEvents = int('BENCH_SEGMENT_LIVE_EVENTS', 20_000);
  const liveCustomers = Math.min(customers, int('BENCH_SEGMENT_LIVE_CUSTOMERS', 5_000));
  const port = int('BENCH_SEGMENT_PORT', 4303);
  const infra = options.infra ?? (await ensureInfra(log));
  const stamp = `${Date.now()}`;
  const names = { db: `bench_segmentation_${stamp}`, schema: `bench_segmentation_${stamp}`, prefix: `benchseg${stamp}.`, group: `bench-segmentation-${stamp}` };
  const logDir = options.logDir ?? path.join(REPO_ROOT, 'bench/results/logs', `segmentation-${stamp}`);
  mkdirSync(logDir, { recursive: true });

  const mongo = await mongoose.createConnection(infra.MONGODB_URL, { dbName: names.db, serverSelectionTimeoutMS: 60_000 }).asPromise();
  const kafka = new Kafka({ clientId: 'bench-segmentation', brokers: infra.KAFKA_BROKERS.split(','), logLevel: logLevel.ERROR });
  let service: RunningService | undefined;
  let sampler: RssSampler | undefined;
  try {
    // ---- seed: compact facts straight into the read model
    log(`segmentation: seeding ${customers.toLocaleString('en')} customers' facts into ${names.db}.customer_segments (written directly, not folded from events)`);
    const now = Date.now();
    const seedStart = performance.now();
    const collection = mongo.db!.collection('customer_segments');
    for (let from = 0; from < customers; from += 5_000) {
      const docs = Array.from({ length: Math.min(5_000, customers - from) }, (_, k) => syntheticCustomerDocument(from + k, now));
      await collection.insertMany(docs as never[], { ordered: false });
    }
    const seedSeconds = (performance.now() - seedStart) / 1_000;
    log(`  seeded in ${seedSeconds.toFixed(1)} s`);

    // ---- the service on those facts; its starter segments are back-filled first
    service = spawnSegmentation(port, {
      KAFKA_BROKERS: infra.KAFKA_BROKERS,
      KAFKA_TOPIC_PREFIX: names.prefix,
      KAFKA_CONSUMER_GROUP: names.group,
      KAFKA_TOPIC_PARTITIONS: '3',
      MONGODB_URL: infra.MONGODB_URL,
      MONGODB_DB: names.db,
      POSTGRES_URL: infra.POSTGRES_URL,
      POSTGRES_SCHEMA: names.schema,
      SEGMENT_SWEEP_ENABLED: 'false',
      LOG_LEVEL: 'info',
    }, logDir);
    sampler = new RssSampler([{ name: 'segmentation', pid: service.child.pid ?? 0 }]);
    sampler.start();
    await waitReady([service], 180_000);
    const starters = await waitForBackfills(port, STARTER_SEGMENT_IDS, 600_000);
    const starterSeconds = [...starters.values()].map((s) => (s.durationMs ?? 0) / 1_000);
    log(`  starter segments back-filled: ${[...starters].map(([id, s]) => `${id} ${((s.durationMs ?? 0) / 1_000).toFixed(1)} s`).join(', ')} (a read of every customer, nothing to change: the seed agrees)`);
    const startupRssMb = sampler.phaseMax()['segmentation'] ?? NaN;

    // ---- back-fill of a new segment
    log(`segmentation: back-fill of "${BENCH_SEGMENT.name}" over ${customers.toLocaleString('en')} customers`);
    const wallStart = performance.now();
    const created = await httpPost(port, '/v1/segments', BENCH_SEGMENT);
    if (created.status !== 201) throw new Error(`POST /v1/segments answered ${created.status}: ${created.body}`);
    const backfill = (await waitForBackfills(port, [BENCH_SEGMENT.id], 600_000)).get(BENCH_SEGMENT.id) as BackfillState;
    const backfillWallSeconds = (performance.now() - wallStart) / 1_000;
    const backfillSeconds = (backfill.durationMs ?? NaN) / 1_000;
    const backfillRssMb = sampler.phaseMax()['segmentation'] ?? NaN;
    log(
      `  back-fill ${backfillSeconds.toFixed(2)} s (service-measured; ${backfillWallSeconds.toFixed(2)} s from POST to done): ` +
        `${backfill.customersScanned} customers read, ${backfill.entered} entered (events appended, customers written); peak RSS ${backfillRssMb.toFixed(0)} MB`,
    );

    // ---- live re-evaluation: customer events through the projection
    log(`segmentation: ${liveEvents.toLocaleString('en')} live events over ${liveCustomers.toLocaleString('en')} customers through the projection`);
    const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, idempotent: true, maxInFlightRequests: 1 });
    await producer.connect();
    const topic = `${names.prefix}${Topics.customerEvents}`;
    const appliedBefore = promCounter((await httpGet(port, '/metrics')).body, 'projection_events_total');
    const messages = Array.from({ length: liveEvents }, (_, i) => liveMessage(i, liveCustomers, now));
    const liveStart = performance.now();
    for (let i = 0; i < messages.length; i += 500) await producer.send({ topic, acks: -1, messages: messages.slice(i, i + 500) });
    const publishSeconds = (performance.now() - liveStart) / 1_000;
    let applied = 0;
    for (const deadline = Date.now() + 600_000; applied < liveEvents; await sleep(200)) {
      applied = promCounter((await httpGet(port, '/metrics')).body, 'projection_events_total') - appliedBefore;
      if (Date.now() > deadline) throw new Error(`only ${applied} of ${liveEvents} live events applied after 10 minutes`);
    }
    const liveSeconds = (performance.now() - liveStart) / 1_000;
    await producer.disconnect();
    const liveRssMb = sampler.phaseMax()['segmentation'] ?? NaN;
    log(`  ${liveEvents} events applied in ${liveSeconds.toFixed(2)} s (published in ${publishSeconds.toFixed(2)} s): ${(liveEvents / liveSeconds).toFixed(0)} events/s; peak RSS ${liveRssMb.toFixed(0)} MB`);

    sampler.stop();
    return {
      segmentCustomers: customers,
      segmentSeedSeconds: round(seedSeconds, 1),
      segmentStarterBackfillSecondsMax: round(Math.max(...starterSeconds), 2),
      segmentBackfillSeconds: round(backfillSeconds, 2),
      segmentBackfillWallSeconds: round(backfillWallSeconds, 2),
      segmentBackfillCustomersPerSecond: round(customers / backfillSeconds, 0),
      segmentBackfillEntered: backfill.entered ?? 0,
      segmentLiveEvents: liveEvents,
      segmentLiveEventsPerSecond: round(liveEvents / liveSeconds, 0),
      segmentStartupRssMb: round(startupRssMb, 0),
      segmentPeakRssMb: round(sampler.maxMb.get('segmentation') ?? NaN, 0),
    };
  } finally {
    sampler?.stop();
    if (service) await stopService(service);
    await mongo.dropDatabase().catch(() => undefined);
    await mongo.close();
    const pg = new Client({ connectionString: infra.POSTGRES_URL });
    await pg.connect();
    await pg.query(`DROP SCHEMA IF EXISTS ${names.schema} CASCADE`).finally(() => pg.end());
    const admin = kafka.admin();
    await admin.connect();
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(names.prefix));
    if (topics.length > 0) await admin.deleteTopics({ topics });
    await admin.deleteGroups([names.group]).catch(() => undefined);
    await admin.disconnect();
  }
}

/** Live event i: alternately an order and an email open of one of the first `liveCustomers` customers, each customer's in revision order. */
function liveMessage(i: number, liveCustomers: number, now: number) {
  const customer = i % liveCustomers;
  const subject = syntheticCustomerId(customer);
  const revision = SEEDED_REVISION + 1 + Math.floor(i / liveCustomers);
  const order = Math.floor(i / liveCustomers) % 2 === 0;
  return toKafkaMessage({
    eventId: randomUUID(),
    type: order ? 'crm.order.completed' : 'crm.touchpoint.recorded',
    streamId: `customer-${subject}`,
    revision,
    position: BigInt(1_000_000 + i),
    data: order ? { orderId: `live-${i}`, totalMinor: 4_999, currency: 'EUR' } : { channel: 'email', action: 'email_opened' },
    metadata: { schemaVersion: 1, source: 'bench', subject, time: new Date(now + i).toISOString() },
    recordedAt: new Date(now + i),
  });
}

/** Polls each segment's back-fill (`GET /v1/segments/:id/backfill`, one small read: polling must not slow the back-fill) until all are done. */
async function waitForBackfills(port: number, ids: readonly string[], timeoutMs: number): Promise<Map<string, BackfillState>> {
  const deadline = Date.now() + timeoutMs;
  const done = new Map<string, BackfillState>();
  while (done.size < ids.length) {
    for (const id of ids.filter((i) => !done.has(i))) {
      const res = await httpGet(port, `/v1/segments/${id}/backfill`, undefined, 60_000);
      if (res.status !== 200) continue;
      const state = JSON.parse(res.body) as BackfillState;
      if (state.status === 'failed') throw new Error(`back-fill of ${id} failed: ${state.error}`);
      if (state.status === 'done') done.set(id, state);
    }
    if (Date.now() > deadline) throw new Error(`back-fills not done after ${timeoutMs} ms`);
    if (done.size < ids.length) await sleep(500);
  }
  return done;
}

function httpPost(port: number, urlPath: string, body: unknown): Promise<{ status: number; body: string }> {
  return fetch(`http://127.0.0.1:${port}${urlPath}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': BENCH_API_KEY },
    body: JSON.stringify(body),
  }).then(async (res) => ({ status: res.status, body: await res.text() }));
}

/** The built segmentation service as its own process, with the deployed node flags (bounded heap). */
function spawnSegmentation(port: number, env: Record<string, string>, logDir: string): RunningService {
  const main = path.join(REPO_ROOT, 'dist/apps/segmentation/main.js');
  if (!existsSync(main)) throw new Error(`${main} missing: run \`npx nx build segmentation\` first`);
  const logFile = path.join(logDir, 'segmentation.log');
  const out = createWriteStream(logFile);
  const child = spawn(process.execPath, [main], {
    cwd: REPO_ROOT,
    env: {
      PATH: process.env['PATH'] ?? '',
      HOME: process.env['HOME'] ?? '',
      NODE_ENV: 'production',
      PORT: String(port),
      NODE_OPTIONS: process.env['BENCH_SERVICE_NODE_OPTIONS'] ?? SERVICE_NODE_OPTIONS,
      ...benchAuthEnv(),
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(out);
  child.stderr?.pipe(out);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { name: 'segmentation', port, child, logFile, exited };
}
