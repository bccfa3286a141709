/**
 * Analytics: KPI query latency over a store representing 1,000,000 events, incremental
 * aggregation throughput through the real consumer, and the purchase-model fit time on 23,570
 * customers — on the built service (`dist/apps/analytics`) and the real servers, in a database,
 * topic prefix and consumer group of its own that are removed afterwards.
 *
 *   fit        in process: BG/NBD + Gamma-Gamma fitted to the CDNOW sample copied ×10 with jitter
 *              (23,570 customers), then every customer's P(alive), expected purchases and CLV.
 *   seed       BENCH_ANALYTICS_EVENTS synthetic events (default 1,000,000) are generated customer
 *              by customer, folded by the service's own pure bucket functions, and the resulting
 *              pre-aggregated buckets (customer-days, loyalty-days, customer histories, tickets,
 *              segment memberships, merges) are written straight into MongoDB: the events themselves are
 *              not sent through Kafka (that would take far longer than the bench may), but the
 *              documents are exactly those the projections make of them.
 *   queries    the service started on that database; each query timed BENCH_ANALYTICS_SAMPLES times.
 *   refit      POST /v1/models/refit on the seeded customers: read histories, fit, score, store.
 *   stream     BENCH_ANALYTICS_STREAM_EVENTS further events (default 40,000) published to the
 *              service's topics; the clock stops when its projections have applied them all.
 *
 * Knobs (env): BENCH_ANALYTICS_EVENTS (1000000), BENCH_ANALYTICS_STREAM_EVENTS (40000),
 * BENCH_ANALYTICS_SAMPLES (5), BENCH_ANALYTICS_FIT_COPIES (10), BENCH_ANALYTICS_PORT (4301).
 */
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { Kafka, logLevel, type Message } from 'kafkajs';
import mongoose from 'mongoose';
import {
  addDays,
  conditionalExpectedPurchases,
  conditionalExpectedSpend,
  customerLifetimeValue,
  fitBgNbd,
  fitGammaGamma,
  keyedBucketsFromEvents,
  probabilityAlive,
  type KeyedAnalyticsBuckets,
} from '@crm/analytics-domain';
import { customerStreamId, loyaltyStreamId, parseStreamId, segmentMembershipStreamId, Topics, type EventEnvelope } from '@crm/contracts';
import { toKafkaMessage } from '@crm/messaging';
import { BENCH_API_KEY, benchAuthEnv, ensureInfra, httpGet, machineBusySeconds, promCounter, REPO_ROOT, SERVICE_NODE_OPTIONS, stopService, waitReady, type InfraEnv, type RunningService } from '../services';
import { round, summarize, type Summary } from '../stats';
import { cdnowReplicas } from './cdnow-replicas';
import { syntheticCustomer } from './synthetic-customers';

export interface AnalyticsBenchOptions {
  readonly log: (line: string) => void;
  /** Connection settings; found (and the servers started) with `ensureInfra` when absent. */
  readonly infra?: InfraEnv;
  /** Where the service's log goes; default bench/results/logs. */
  readonly logDir?: string;
}

export interface AnalyticsBenchResult {
  fitCustomers: number;
  fitBgNbdSeconds: number;
  fitGammaGammaSeconds: number;
  fitPredictAllSeconds: number;
  fitBgNbdParameters: Record<string, number>;
  fitGammaGammaParameters: Record<string, number>;
  seededEvents: number;
  seededCustomers: number;
  seededBucketDocuments: number;
  seedGenerateAndFoldSeconds: number;
  seedWriteSeconds: number;
  /** Per query: latency in ms over the samples. */
  queryLatencyMs: Record<string, Summary>;
  /** The MongoDB-wire server's floor: one pass over the customer-day collection matching nothing (median of 3). */
  customerDayScanMs: number;
  /** Cores other processes kept busy meanwhile, from /proc/stat (the machine's load the bench did not cause is not separable; this is the machine total). */
  machineBusyCoresDuringQueries: number;
  serviceRefitSeconds: number;
  serviceRefitCustomers: number;
  streamEvents: number;
  streamSeconds: number;
  streamEventsPerSecond: number;
  streamComplete: boolean;
}

const int = (name: string, fallback: number): number => {
  const raw = process.env[name];
  const n = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer (got ${raw})`);
  return n;
};

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const seconds = (t0: number) => (performance.now() - t0) / 1_000;

const COLLECTIONS: Record<keyof KeyedAnalyticsBuckets, { collection: string; projection: string; lane: string }> = {
  customerDays: { collection: 'customer_days', projection: 'customer-day', lane: 'customer' },
  loyaltyDays: { collection: 'loyalty_days', projection: 'loyalty-day', lane: 'loyalty' },
  histories: { collection: 'customer_histories', projection: 'customer-history', lane: 'customer' },
  tickets: { collection: 'tickets', projection: 'ticket', lane: 'customer' },
  memberships: { collection: 'segment_memberships', projection: 'segment-membership', lane: 'segment-membership' },
  merges: { collection: 'customer_merges', projection: 'customer-merge', lane: 'customer' },
};
const SCHEMA_VERSIONS: Record<string, number> = { 'customer-day': 2 };

export async function runAnalyticsBench(options: AnalyticsBenchOptions): Promise<AnalyticsBenchResult> {
  const { log } = options;
  const config = {
    events: int('BENCH_ANALYTICS_EVENTS', 1_000_000),
    streamEvents: int('BENCH_ANALYTICS_STREAM_EVENTS', 40_000),
    samples: int('BENCH_ANALYTICS_SAMPLES', 5),
    fitCopies: int('BENCH_ANALYTICS_FIT_COPIES', 10),
    port: int('BENCH_ANALYTICS_PORT', 4301),
  };
  const stamp = Date.now().toString(36);
  const names = { db: `bench_analytics_${stamp}`, prefix: `benchanalytics${stamp}.`, group: `bench-analytics-${stamp}` };
  log(`analytics bench ${stamp}: ${JSON.stringify(config)}`);

  const fit = runFit(log, config.fitCopies);

  const infra = options.infra ?? (await ensureInfra(log));
  const logDir = options.logDir ?? path.join(REPO_ROOT, 'bench/results/logs');
  mkdirSync(logDir, { recursive: true });
  const client = new mongoose.mongo.MongoClient(infra.MONGODB_URL);
  await client.connect();
  let service: RunningService | undefined;
  try {
    const today = new Date().toISOString().slice(0, 10);
    const seed = await seedBuckets(log, client.db(names.db), config.events, today);

    service = spawnAnalytics(config.port, { KAFKA_BROKERS: infra.KAFKA_BROKERS, KAFKA_TOPIC_PREFIX: names.prefix, KAFKA_CONSUMER_GROUP: names.group, MONGODB_URL: infra.MONGODB_URL, MONGODB_DB: names.db, LOG_LEVEL: 'warn', ANALYTICS_REFIT_INTERVAL_MS: '0' }, logDir);
    await waitReady([service], 120_000);
    log(`  analytics ready on :${config.port} (pid ${service.child.pid})`);

    const busy0 = machineBusySeconds();
    const q0 = performance.now();
    const queryLatencyMs = await timeQueries(log, config.port, today, config.samples);
    const machineBusyCoresDuringQueries = round((machineBusySeconds() - busy0) / seconds(q0), 2);
    const customerDayScanMs = await scanFloor(log, client.db(names.db));
    const refit = await timeRefit(log, config.port);
    const stream = await runStream(log, infra, names.prefix, config.port, config.streamEvents, today);
    return { ...fit, ...seed, queryLatencyMs, customerDayScanMs, machineBusyCoresDuringQueries, ...refit, ...stream };
  } finally {
    if (service) await stopService(service);
    await client.db(names.db).dropDatabase().catch(() => undefined);
    await client.close();
    await cleanupKafka(infra, names).catch((error: Error) => log(`  kafka cleanup failed: ${error.message}`));
  }
}

function runFit(log: (line: string) => void, copies: number) {
  const customers = cdnowReplicas(copies);
  log(`\n  [fit] BG/NBD and Gamma-Gamma on ${customers.length} customers (the CDNOW sample ×${copies}, jittered), in process`);
  let t0 = performance.now();
  const bgNbd = fitBgNbd(customers);
  const fitBgNbdSeconds = seconds(t0);
  t0 = performance.now();
  const gammaGamma = fitGammaGamma(customers.map((c) => ({ frequency: c.spendDays, averageValue: c.averageValue })));
  const fitGammaGammaSeconds = seconds(t0);
  t0 = performance.now();
  let total = 0;
  for (const c of customers) {
    const spend = conditionalExpectedSpend(gammaGamma.parameters, { frequency: c.spendDays, averageValue: c.averageValue });
    total += probabilityAlive(bgNbd.parameters, c) + conditionalExpectedPurchases(bgNbd.parameters, c, 13);
    total += customerLifetimeValue(bgNbd.parameters, c, spend, { horizonMonths: 12, monthlyDiscountRate: 0.01 });
  }
  const fitPredictAllSeconds = seconds(t0);
  if (!Number.isFinite(total)) throw new Error('predictions are not finite');
  const p = bgNbd.parameters;
  const g = gammaGamma.parameters;
  log(`  BG/NBD ${fitBgNbdSeconds.toFixed(2)} s (r ${p.r.toFixed(3)}, α ${p.alpha.toFixed(3)}, a ${p.a.toFixed(3)}, b ${p.b.toFixed(3)}; converged ${bgNbd.converged}); ` +
    `Gamma-Gamma ${fitGammaGammaSeconds.toFixed(2)} s (p ${g.p.toFixed(2)}, q ${g.q.toFixed(2)}, γ ${g.v.toFixed(2)}); ` +
    `P(alive) + 13-week expectation + 12-month CLV for all: ${fitPredictAllSeconds.toFixed(2)} s`);
  return {
    fitCustomers: customers.length,
    fitBgNbdSeconds: round(fitBgNbdSeconds, 3),
    fitGammaGammaSeconds: round(fitGammaGammaSeconds, 3),
    fitPredictAllSeconds: round(fitPredictAllSeconds, 3),
    fitBgNbdParameters: { ...p },
    fitGammaGammaParameters: { ...g },
  };
}

/** Stream id and revision of each event, as the event store would number them. */
function numbered(events: readonly EventEnvelope[]): { envelope: EventEnvelope; streamId: string; revision: number }[] {
  const revisions = new Map<string, number>();
  return events.map((envelope) => {
    const streamId = envelope.type.startsWith('crm.loyalty.')
      ? loyaltyStreamId(envelope.subject)
      : envelope.type.startsWith('crm.segment.')
        ? segmentMembershipStreamId(envelope.subject)
        : customerStreamId(envelope.subject);
    const revision = revisions.get(streamId) ?? 0;
    revisions.set(streamId, revision + 1);
    return { envelope, streamId, revision };
  });
}

export async function seedBuckets(log: (line: string) => void, db: mongoose.mongo.Db, targetEvents: number, today: string) {
  log(`\n  [seed] ${targetEvents.toLocaleString('en')} synthetic events → pre-aggregated buckets written straight into MongoDB (the events are not replayed through Kafka)`);
  const pending = new Map<string, mongoose.mongo.Document[]>(Object.values(COLLECTIONS).map((c) => [c.collection, []]));
  let events = 0;
  let customers = 0;
  let documents = 0;
  let generateSeconds = 0;
  let writeSeconds = 0;
  const flush = async (force: boolean) => {
    const t0 = performance.now();
    await Promise.all(
      [...pending].map(async ([collection, docs]) => {
        if (docs.length === 0 || (!force && docs.length < 5_000)) return;
        pending.set(collection, []);
        await db.collection(collection).insertMany(docs, { ordered: false });
        documents += docs.length;
      }),
    );
    writeSeconds += seconds(t0);
  };
  const now = new Date();
  let lastReport = performance.now();
  while (events < targetEvents) {
    const t0 = performance.now();
    const id = `c${customers}`;
    // one customer in a hundred turns out to be the previous one (a merge)
    const customer = syntheticCustomer(id, customers + 1, today, customers > 0 && customers % 100 === 0 ? `c${customers - 1}` : undefined);
    customers++;
    const remaining = targetEvents - events;
    const list = customer.events.length > remaining ? customer.events.slice(0, remaining) : customer.events;
    events += list.length;
    const lastRevision = new Map<string, number>();
    for (const e of numbered(list)) lastRevision.set(parseStreamId(e.streamId)!.category, e.revision);
    const keyed = keyedBucketsFromEvents(list);
    for (const [kind, target] of Object.entries(COLLECTIONS) as [keyof KeyedAnalyticsBuckets, (typeof COLLECTIONS)[keyof KeyedAnalyticsBuckets]][]) {
      const revision = lastRevision.get(target.lane) ?? -1;
      const _metadata =
        target.lane === 'customer'
          ? { name: target.projection, schemaVersion: SCHEMA_VERSIONS[target.projection] ?? 1, revision, position: String(events), updatedAt: now, writes: 1 }
          : { name: target.projection, schemaVersion: 1, revision: -1, revisions: { [target.lane]: revision }, position: String(events), updatedAt: now, writes: 1 };
      const docs = pending.get(target.collection)!;
      for (const [key, state] of keyed[kind] as Map<string, object>) docs.push({ _id: key as unknown as mongoose.mongo.ObjectId, ...state, _metadata });
    }
    generateSeconds += seconds(t0);
    await flush(false);
    if (performance.now() - lastReport > 10_000) {
      lastReport = performance.now();
      log(`    ${events.toLocaleString('en')} events, ${customers.toLocaleString('en')} customers, ${documents.toLocaleString('en')} documents written`);
    }
  }
  await flush(true);
  log(`  ${events.toLocaleString('en')} events of ${customers.toLocaleString('en')} customers → ${documents.toLocaleString('en')} bucket documents ` +
    `(generate + fold ${generateSeconds.toFixed(1)} s, write ${writeSeconds.toFixed(1)} s)`);
  return { seededEvents: events, seededCustomers: customers, seededBucketDocuments: documents, seedGenerateAndFoldSeconds: round(generateSeconds, 1), seedWriteSeconds: round(writeSeconds, 1) };
}

function spawnAnalytics(port: number, env: Record<string, string>, logDir: string): RunningService {
  const main = path.join(REPO_ROOT, 'dist/apps/analytics/main.js');
  if (!existsSync(main)) throw new Error(`${main} missing: run \`npx nx build analytics\` first`);
  const logFile = path.join(logDir, 'analytics.log');
  const out = createWriteStream(logFile);
  const child = spawn(process.execPath, [main], {
    cwd: REPO_ROOT,
    // The deployed heap bound would not hold a refit of this many customers at once: the bench gives it room and says so.
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_ENV: 'production', PORT: String(port), NODE_OPTIONS: process.env.BENCH_ANALYTICS_NODE_OPTIONS ?? SERVICE_NODE_OPTIONS, ...benchAuthEnv(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(out);
  child.stderr?.pipe(out);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { name: 'analytics', port, child, logFile, exited };
}

async function timeQueries(log: (line: string) => void, port: number, today: string, samples: number): Promise<Record<string, Summary>> {
  const month = `from=${addDays(today, -29)}&to=${today}`;
  const year = `from=${addDays(today, -365)}&to=${today}`;
  const queries: Record<string, string> = {
    'every KPI, 30 days by day': `/v1/kpis?${month}&granularity=day`,
    'NPS, 30 days': `/v1/kpis/nps?${month}`,
    'retention, 30 days, one segment': `/v1/kpis/retention-rate?${month}&segment=frequent-buyers`,
    'average order value, 366 days by month': `/v1/kpis/average-order-value?${year}&granularity=month`,
    'historical CLV, 30 days': `/v1/kpis/historical-clv?${month}`,
    'cohorts, 12 months': `/v1/cohorts?to=${today}`,
    'daily activity, 30 days': `/v1/kpis/daily?${month}`,
  };
  log(`\n  [queries] ${samples} samples each after one warm-up, one at a time`);
  const out: Record<string, Summary> = {};
  let failures = 0;
  // A failed answer is retried (up to 3 times) and counted: the MongoDB-wire stand-in has been seen
  // to fail a scan right after a large bulk load ("Chunk N not found" from its H2 store).
  const get = async (url: string) => {
    for (let attempt = 1; ; attempt++) {
      const res = await httpGet(port, url, undefined, 300_000);
      if (res.status === 200) return res;
      failures++;
      log(`    GET ${url} answered ${res.status} (${res.body.slice(0, 120)}), attempt ${attempt}`);
      if (attempt === 3) throw new Error(`GET ${url}: ${res.status} ${res.body.slice(0, 300)}`);
      await sleep(1_000);
    }
  };
  for (const [name, url] of Object.entries(queries)) {
    const first = await get(url);
    const times: number[] = [];
    for (let i = 0; i < samples; i++) {
      const t0 = performance.now();
      await get(url);
      times.push(performance.now() - t0);
    }
    out[name] = summarize(times);
    log(`  ${name.padEnd(42)} p50 ${out[name].p50.toFixed(0).padStart(6)} ms · p90 ${out[name].p90.toFixed(0).padStart(6)} ms · max ${out[name].max.toFixed(0).padStart(6)} ms   (${first.body.length.toLocaleString('en')} bytes)`);
  }
  if (failures > 0) log(`  ${failures} failed answer(s) retried`);
  return out;
}

/**
 * What one pass over the customer-day collection costs the server, whatever it returns: the
 * MongoDB-wire stand-in (mongo-java-server) builds no secondary index, so every query scans; on
 * MongoDB the `day` index limits a query to the period's documents.
 */
async function scanFloor(log: (line: string) => void, db: mongoose.mongo.Db): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    await db.collection('customer_days').find({ day: 'no such day' }).toArray();
    times.push(performance.now() - t0);
  }
  const median = summarize(times).p50;
  log(`  one pass over customer_days matching nothing (the server's floor for any query on it): ${median.toFixed(0)} ms`);
  return Math.round(median);
}

async function timeRefit(log: (line: string) => void, port: number) {
  const t0 = performance.now();
  const res = await postEmpty(port, '/v1/models/refit');
  const serviceRefitSeconds = seconds(t0);
  if (res.status !== 201) throw new Error(`refit: ${res.status} ${res.body.slice(0, 300)}`);
  const fit = JSON.parse(res.body) as { customers: number; durationMs: number };
  log(`\n  [refit] the service refitted on ${fit.customers.toLocaleString('en')} customers and stored their predictions in ${serviceRefitSeconds.toFixed(2)} s`);
  return { serviceRefitSeconds: round(serviceRefitSeconds, 2), serviceRefitCustomers: fit.customers };
}

async function runStream(log: (line: string) => void, infra: InfraEnv, prefix: string, port: number, target: number, today: string) {
  log(`\n  [stream] ${target.toLocaleString('en')} events published to ${prefix}{customer-events,loyalty-events,segment-membership}; clock stops when the projections have applied them all`);
  const topicOf: Record<string, string> = { customer: Topics.customerEvents, loyalty: Topics.loyaltyEvents, 'segment-membership': Topics.segmentMembership };
  const byTopic = new Map<string, Message[]>();
  let events = 0;
  for (let i = 0; events < target; i++) {
    const customer = syntheticCustomer(`live-${i}`, 1_000_000 + i, today);
    const list = customer.events.slice(0, target - events);
    events += list.length;
    for (const { envelope, streamId, revision } of numbered(list)) {
      const message = toKafkaMessage({
        eventId: envelope.id,
        type: envelope.type,
        streamId,
        revision,
        position: BigInt(events),
        data: envelope.data,
        metadata: { schemaVersion: envelope.schemaVersion, source: envelope.source, subject: envelope.subject, time: envelope.time },
        recordedAt: new Date(envelope.time),
      });
      const topic = prefix + topicOf[parseStreamId(streamId)!.category];
      const queue = byTopic.get(topic) ?? [];
      queue.push(message);
      byTopic.set(topic, queue);
    }
  }
  const applied = async () => promCounter((await httpGet(port, '/metrics')).body, 'projection_events_total');
  const before = await applied();
  const producer = new Kafka({ clientId: 'bench-analytics', brokers: infra.KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING }).producer();
  await producer.connect();
  const t0 = performance.now();
  try {
    for (const [topic, messages] of byTopic) {
      for (let i = 0; i < messages.length; i += 1_000) await producer.send({ topic, messages: messages.slice(i, i + 1_000) });
    }
  } finally {
    await producer.disconnect();
  }
  const produced = seconds(t0);
  let done = 0;
  let lastChange = performance.now();
  while (done < target) {
    const now = (await applied()) - before;
    if (now !== done) lastChange = performance.now();
    done = now;
    if (performance.now() - lastChange > 60_000) break;
    await sleep(100);
  }
  const streamSeconds = seconds(t0);
  const complete = done >= target;
  log(`  ${done.toLocaleString('en')}/${target.toLocaleString('en')} applied after ${streamSeconds.toFixed(2)} s = ${Math.round(done / streamSeconds).toLocaleString('en')} ev/s` +
    ` (published in ${produced.toFixed(2)} s)${complete ? '' : ' — INCOMPLETE: the projections stalled'}`);
  return { streamEvents: target, streamSeconds: round(streamSeconds, 2), streamEventsPerSecond: Math.round(done / streamSeconds), streamComplete: complete };
}

function postEmpty(port: number, urlPath: string): Promise<{ status: number; body: string }> {
  return fetch(`http://127.0.0.1:${port}${urlPath}`, { method: 'POST', headers: { 'x-api-key': BENCH_API_KEY }, signal: AbortSignal.timeout(600_000) }).then(async (r) => ({
    status: r.status,
    body: await r.text(),
  }));
}

async function cleanupKafka(infra: InfraEnv, names: { prefix: string; group: string }): Promise<void> {
  const admin = new Kafka({ clientId: 'bench-analytics-cleanup', brokers: infra.KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(names.prefix));
    if (topics.length > 0) await admin.deleteTopics({ topics, timeout: 15_000 });
    await admin.deleteGroups([names.group]).catch(() => undefined);
  } finally {
    await admin.disconnect();
  }
}
