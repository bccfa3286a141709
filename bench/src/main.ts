/**
 * `npm run bench` — benchmark seed for the ingest → event store → relay → Kafka → profile path.
 *
 *   1. raw baseline: kafkajs + MongoDB driver on the same servers (the ceiling)
 *   2. platform end to end: HTTP → ingest → PostgreSQL → relay → Kafka → profile → MongoDB
 *   3. fixed 1,000 ev/s open-loop: ingest latency, event → read model visibility
 *   + RSS of both services and CPU per process tree (where the time goes)
 *   then one phase per service (each starts what it needs and cleans up): segmentation back-fill
 *   of 100,000 profiles and live re-evaluation, loyalty earning and redemption under contention,
 *   analytics KPI queries over 1,000,000 events / incremental aggregation / model fit, replay speed
 *   of each projection against the raw event-store read speed, profile search latency.
 *
 * BENCH_PHASES picks phases (default: core,segmentation,loyalty,analytics,replay,profile).
 *
 * Every run is isolated (own schema, topic prefix, consumer groups, databases, relay checkpoint)
 * and cleans up after itself. Figures are machine-dependent: on a small box the load generator,
 * both services, PostgreSQL, Kafka and the MongoDB-wire server all share the same cores.
 *
 * Knobs (env): BENCH_EVENTS (20000), BENCH_BATCH (100 events per request in the end-to-end phase; 1
 * for single-event POSTs), BENCH_BATCH_CONCURRENCY (8), BENCH_CONCURRENCY (64, when BENCH_BATCH=1), BENCH_CUSTOMERS (1000),
 * BENCH_SINGLE_EVENTS (5000), BENCH_KAFKA_EVENTS (20000), BENCH_RATE (1000), BENCH_RATE_SECONDS (10), BENCH_RATE_CONNECTIONS (128), BENCH_SAMPLES (200),
 * BENCH_INGEST_PORT (4101), BENCH_PROFILE_PORT (4102), BENCH_SERVICE_NODE_OPTIONS (node flags
 * for the spawned services; default: the deployed ones, a bounded heap).
 */
import { mkdirSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import mongoose from 'mongoose';
import { Client } from 'pg';
import { runAnalyticsBench } from './analytics/analytics.bench';
import { runLatency, type LatencyResult } from './latency';
import { runLoyaltyBench } from './loyalty/loyalty.bench';
import { runProfileBench } from './profile/profile-search.bench';
import { runReplayBench } from './replay/replay.bench';
import { runSegmentationBench } from './segmentation/segmentation.bench';
import { runKafkaIngest, type KafkaIngestResult } from './kafka-ingest';
import { runPlatformE2e, type E2eResult } from './platform-e2e';
import { runRawBaseline, type RawResult } from './raw-baseline';
import { log, RESULTS_DIR, table, verdict, writeResults, type Row } from './report';
import {
  cpuSeconds,
  cpuShare,
  ensureInfra,
  machineBusySeconds,
  infraDescription,
  infraProcesses,
  RssSampler,
  spawnService,
  stopService,
  waitReady,
  type InfraEnv,
  type RunningService,
} from './services';
import { round } from './stats';

const int = (name: string, fallback: number): number => {
  const raw = process.env[name];
  const n = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer (got ${raw})`);
  return n;
};

const config = {
  events: int('BENCH_EVENTS', 20_000),
  concurrency: int('BENCH_CONCURRENCY', 64),
  /** Events per request in the end-to-end phase (1 = POST /v1/events, more = /v1/events:batch). */
  batch: int('BENCH_BATCH', 100),
  /** Concurrent requests in the end-to-end phase when batching. */
  batchConcurrency: int('BENCH_BATCH_CONCURRENCY', 8),
  /** Events sent one per request in the single-event phase. */
  singleEvents: int('BENCH_SINGLE_EVENTS', 5_000),
  /** Events published to crm.ingest.v1 in the Kafka phase. */
  kafkaEvents: int('BENCH_KAFKA_EVENTS', 20_000),
  customers: int('BENCH_CUSTOMERS', 1_000),
  rate: int('BENCH_RATE', 1_000),
  rateSeconds: int('BENCH_RATE_SECONDS', 10),
  rateConnections: int('BENCH_RATE_CONNECTIONS', 128),
  samples: int('BENCH_SAMPLES', 200),
  ingestPort: int('BENCH_INGEST_PORT', 4101),
  profilePort: int('BENCH_PROFILE_PORT', 4102),
};

// Targets the platform is held to (see the task that introduced this bench).
const TARGETS = { e2eEventsPerSecond: 3_400, e2eOverRaw: 0.5, ingestP99Ms: 25, visibilityP99Ms: 500, rssMb: 200 };

// Lowercase base36 time stamp: valid in schema, topic, database and group names alike.
const stamp = Date.now().toString(36);
const names = {
  schema: `bench_${stamp}`,
  topicPrefix: `bench${stamp}.`,
  rawTopic: `bench${stamp}.raw-baseline`,
  rawGroup: `bench-raw-${stamp}`,
  rawDb: `bench_raw_${stamp}`,
  profileDb: `bench_profile_${stamp}`,
  profileGroup: `bench-profile-${stamp}`,
  // Builds before 724fb85 kept relay checkpoints in one shared table: a fresh name keeps this
  // run's relay from starting at another log's checkpoint there. Harmless with per-schema tables.
  relayName: `bench-relay-${stamp}`,
};

const services: RunningService[] = [];
let infra: InfraEnv | undefined;
let cleaned = false;

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

async function cleanup(): Promise<void> {
  if (cleaned) return;
  cleaned = true;
  log('\ncleaning up: services, topics, consumer groups, databases, schema');
  await Promise.all(services.map((s) => stopService(s)));
  if (!infra) return;
  const env = infra;
  const step = async (what: string, work: () => Promise<unknown>) => {
    try {
      await work();
    } catch (error) {
      log(`  cleanup of ${what} failed: ${(error as Error).message}`);
    }
  };
  await step('kafka', async () => {
    const admin = new Kafka({ clientId: 'bench-cleanup', brokers: env.KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      const topics = (await admin.listTopics()).filter((t) => t.startsWith(names.topicPrefix));
      if (topics.length) await admin.deleteTopics({ topics, timeout: 15_000 });
      await admin.deleteGroups([names.rawGroup, names.profileGroup, `${names.topicPrefix}ingest`]).catch(() => undefined);
    } finally {
      await admin.disconnect();
    }
  });
  await step('mongo', async () => {
    const client = new mongoose.mongo.MongoClient(env.MONGODB_URL);
    await client.connect();
    try {
      await client.db(names.rawDb).dropDatabase();
      await client.db(names.profileDb).dropDatabase();
    } finally {
      await client.close();
    }
  });
  await step('postgres', async () => {
    const pg = new Client({ connectionString: env.POSTGRES_URL });
    await pg.connect();
    try {
      await pg.query(`DROP SCHEMA IF EXISTS ${names.schema} CASCADE`);
      await pg.query('DELETE FROM subscription_checkpoints WHERE name = $1', [names.relayName]).catch(() => undefined);
    } finally {
      await pg.end();
    }
  });
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`\n${signal}: stopping`);
    void cleanup().finally(() => process.exit(130));
  });
}

interface CpuFigures {
  /** Average cores busy per process tree over the phase; `other` = the rest of the machine. */
  cores: Record<string, number>;
  /** CPU milliseconds per event per process tree: where the cost of one event goes. */
  msPerEvent: Record<string, number>;
}

/**
 * Runs a phase and reports the CPU each process tree used meanwhile. `other` is load the bench
 * did not cause (e.g. builds running alongside): when it is high the figures are not trustworthy.
 */
async function withCpu<T>(
  roots: { name: string; pid: number }[],
  phase: () => Promise<T>,
  eventsOf: (result: T) => number,
): Promise<{ result: T; cpu: CpuFigures }> {
  const before = cpuSeconds(roots);
  const busyBefore = machineBusySeconds();
  const t0 = performance.now();
  const result = await phase();
  const wall = (performance.now() - t0) / 1_000;
  const cores = cpuShare(before, cpuSeconds(roots), wall);
  const ours = Object.values(cores).reduce((a, b) => a + b, 0);
  cores.other = Math.max(0, (machineBusySeconds() - busyBefore) / wall - ours);
  const events = eventsOf(result);
  const msPerEvent: Record<string, number> = {};
  for (const k of Object.keys(cores)) {
    msPerEvent[k] = round((cores[k] * wall * 1_000) / events, 3);
    cores[k] = round(cores[k], 2);
  }
  return { result, cpu: { cores, msPerEvent } };
}

const cpuLine = ({ cores, msPerEvent }: CpuFigures) => {
  const sorted = Object.entries(cores).sort((a, b) => b[1] - a[1]);
  const total = sorted.filter(([k]) => k !== 'other').reduce((a, [k]) => a + msPerEvent[k], 0);
  return (
    `  cpu, cores busy: ${sorted.map(([k, v]) => `${k} ${v.toFixed(2)}`).join(' · ')}   (${os.cpus().length} cores)\n` +
    `  cpu ms per event: ${sorted.filter(([k]) => k !== 'other').map(([k]) => `${k} ${msPerEvent[k].toFixed(3)}`).join(' · ')} = ${total.toFixed(3)} ms`
  );
};

async function runCorePhases(): Promise<void> {
  const cpus = os.cpus();
  log(`crm-platform bench — run ${stamp}`);
  log(`machine: ${cpus.length} × ${cpus[0]?.model ?? '?'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version} (figures are machine-dependent)`);
  log(`config: ${JSON.stringify(config)}`);

  // A quiet machine matters more than anything else here: say so when it is not.
  const idleBusy0 = machineBusySeconds();
  await new Promise((r) => setTimeout(r, 1_000));
  const busyBefore = machineBusySeconds() - idleBusy0;
  if (busyBefore > 0.3) log(`warning: ${busyBefore.toFixed(2)} of ${cpus.length} cores already busy before the bench started (builds, tests?) — figures will be disturbed`);

  infra = await ensureInfra(log);
  const infraStatus = infraDescription();
  log(infraStatus.split('\n').map((l) => `  ${l}`).join('\n'));
  const infraRoots = infraProcesses();
  for (const port of [config.ingestPort, config.profilePort]) {
    if (!(await portFree(port))) throw new Error(`port ${port} is in use; set BENCH_INGEST_PORT / BENCH_PROFILE_PORT`);
  }
  const logDir = path.join(RESULTS_DIR, 'logs');
  mkdirSync(logDir, { recursive: true });
  const self = { name: 'bench(node)', pid: process.pid };

  // 1 — raw baseline
  log('\n[1/3] raw baseline: kafkajs produce → consumer group eachBatch → one bulkWrite per batch');
  const raw = await withCpu<RawResult>([self, ...infraRoots], () =>
    runRawBaseline({
      brokers: infra!.KAFKA_BROKERS.split(','),
      mongoUrl: infra!.MONGODB_URL,
      topic: names.rawTopic,
      groupId: names.rawGroup,
      dbName: names.rawDb,
      events: config.events,
      customers: config.customers,
      batchSize: 500,
      inFlight: 3,
    }),
    (r) => r.events,
  );
  log(`  ${raw.result.events} events in ${raw.result.seconds.toFixed(2)} s = ${Math.round(raw.result.eventsPerSecond)} ev/s ` +
    `(produce done at ${raw.result.produceSeconds.toFixed(2)} s, ${raw.result.batchesApplied} batches, read model sum ${raw.result.readModelEventCount})`);
  log(cpuLine(raw.cpu));

  // 2 — platform services, isolated
  log('\n[2/3] platform: starting ingest and profile from dist/');
  const common = { KAFKA_BROKERS: infra.KAFKA_BROKERS, KAFKA_TOPIC_PREFIX: names.topicPrefix, LOG_LEVEL: 'warn' };
  services.push(
    spawnService('ingest', config.ingestPort, {
      ...common,
      POSTGRES_URL: infra.POSTGRES_URL,
      POSTGRES_SCHEMA: names.schema,
      RELAY_NAME: names.relayName,
    }, logDir),
    spawnService('profile', config.profilePort, {
      ...common,
      // profile appends the lifecycle stage changes it derives to the same event store as ingest
      POSTGRES_URL: infra.POSTGRES_URL,
      POSTGRES_SCHEMA: names.schema,
      KAFKA_CONSUMER_GROUP: names.profileGroup,
      MONGODB_URL: infra.MONGODB_URL,
      MONGODB_DB: names.profileDb,
    }, logDir),
  );
  const t0 = performance.now();
  await waitReady(services, 90_000);
  log(`  both ready in ${((performance.now() - t0) / 1_000).toFixed(1)} s (ingest pid ${services[0].child.pid}, profile pid ${services[1].child.pid}; logs in ${path.relative(process.cwd(), logDir)})`);
  const svcRoots = services.map((s) => ({ name: s.name, pid: s.child.pid as number }));
  const roots = [self, ...svcRoots, ...infraRoots];
  const rss = new RssSampler(svcRoots);
  rss.start(200);

  const e2eConcurrency = config.batch > 1 ? config.batchConcurrency : config.concurrency;
  const e2eShape = config.batch > 1 ? `batches of ${config.batch} to /v1/events:batch` : 'single events to /v1/events';
  log(`  end to end: ${config.events} events as ${e2eShape}, ${e2eConcurrency} concurrent keep-alive requests, clock stops when the read model holds them all`);
  const e2e = await withCpu<E2eResult>(roots, () =>
    runPlatformE2e({
      ingestPort: config.ingestPort,
      profilePort: config.profilePort,
      mongoUrl: infra!.MONGODB_URL,
      dbName: names.profileDb,
      events: config.events,
      customers: config.customers,
      customerPrefix: `e2e-${stamp}-c`,
      concurrency: e2eConcurrency,
      batchSize: config.batch,
      stallTimeoutMs: 60_000,
    }),
    (r) => r.readModelEventCount,
  );
  const e = e2e.result;
  log(`  ${e.readModelEventCount}/${e.accepted} events in the read model after ${e.seconds.toFixed(2)} s = ${Math.round(e.eventsPerSecond)} ev/s` +
    `${e.completed ? '' : ' (INCOMPLETE: read model stalled)'}; ingest alone ${Math.round(e.ingestEventsPerSecond)} ev/s over ${e.ingestSeconds.toFixed(2)} s, drain ${e.drainSeconds.toFixed(2)} s`);
  log(`  request latency at concurrency ${e2eConcurrency}: p50 ${e.requestLatencyMs.p50.toFixed(1)} ms, p99 ${e.requestLatencyMs.p99.toFixed(1)} ms`);
  log(cpuLine(e2e.cpu));
  const rssE2e = rss.phaseMax();
  log(`  rss max: ingest ${Math.round(rssE2e.ingest)} MB · profile ${Math.round(rssE2e.profile)} MB`);

  // Ways in, compared: single-event POSTs (also end to end) and the Kafka topic, same event shapes.
  log(`\n  single-event POSTs: ${config.singleEvents} events, ${config.concurrency} concurrent keep-alive requests, until the read model holds them`);
  const single = await withCpu<E2eResult>(roots, () =>
    runPlatformE2e({
      ingestPort: config.ingestPort,
      profilePort: config.profilePort,
      mongoUrl: infra!.MONGODB_URL,
      dbName: names.profileDb,
      events: config.singleEvents,
      customers: config.customers,
      customerPrefix: `single-${stamp}-c`,
      concurrency: config.concurrency,
      batchSize: 1,
      stallTimeoutMs: 60_000,
    }),
    (r) => r.readModelEventCount,
  );
  const s1 = single.result;
  log(`  ingest alone ${Math.round(s1.ingestEventsPerSecond)} ev/s; end to end ${Math.round(s1.eventsPerSecond)} ev/s; request p99 ${s1.requestLatencyMs.p99.toFixed(1)} ms`);
  log(`\n  Kafka way in: ${config.kafkaEvents} events published to ${names.topicPrefix}crm.ingest.v1, until ingest has taken them all in`);
  const viaKafka = await withCpu<KafkaIngestResult>(roots, () =>
    runKafkaIngest({
      brokers: infra!.KAFKA_BROKERS.split(','),
      topic: `${names.topicPrefix}crm.ingest.v1`,
      ingestPort: config.ingestPort,
      events: config.kafkaEvents,
      customers: config.customers,
      customerPrefix: `kin-${stamp}-c`,
      stallTimeoutMs: 60_000,
    }),
    (r) => r.stored,
  );
  const k = viaKafka.result;
  log(`  ${k.stored}/${k.events} taken in after ${k.seconds.toFixed(2)} s = ${Math.round(k.eventsPerSecond)} ev/s${k.completed ? '' : ' (INCOMPLETE)'}`);
  log(cpuLine(viaKafka.cpu));

  // 3 — fixed rate
  log(`\n[3/3] fixed rate: ${config.rate} ev/s open loop for ${config.rateSeconds} s over ${config.rateConnections} connections, ${config.samples} sampled events followed to the read model`);
  const lat = await withCpu<LatencyResult>(roots, () =>
    runLatency({
      ingestPort: config.ingestPort,
      profilePort: config.profilePort,
      rate: config.rate,
      seconds: config.rateSeconds,
      connections: config.rateConnections,
      customers: config.customers,
      customerPrefix: `lat-${stamp}-c`,
      samplePrefix: `vis-${stamp}-s`,
      samples: config.samples,
      pollMs: 5,
      visibilityTimeoutMs: 30_000,
    }),
    (r) => r.accepted,
  );
  const l = lat.result;
  log(`  achieved ${Math.round(l.achievedRate)} ev/s, ${l.accepted} accepted, ${l.failed} failed, max dispatch lag ${l.maxDispatchLagMs.toFixed(1)} ms; ` +
    `server-side p99 ${l.ingestServiceLatencyMs.p99.toFixed(1)} ms; ${l.visibilityTimedOut} sample(s) never visible`);
  log(cpuLine(lat.cpu));
  rss.stop();
  const rssLat = rss.phaseMax();
  log(`  rss max: ingest ${Math.round(rssLat.ingest)} MB · profile ${Math.round(rssLat.profile)} MB`);
  const rssMax = { ingest: rss.maxMb.get('ingest') ?? NaN, profile: rss.maxMb.get('profile') ?? NaN };

  await cleanup();

  const rows: Row[] = [
    { metric: 'raw baseline throughput', value: raw.result.eventsPerSecond, unit: 'ev/s' },
    { metric: `platform e2e throughput (${config.batch > 1 ? `HTTP batches of ${config.batch}` : 'single-event POSTs'})`, value: e.completed ? e.eventsPerSecond : NaN, unit: 'ev/s', target: TARGETS.e2eEventsPerSecond, better: 'higher' },
    { metric: 'ratio e2e / raw', value: e.completed ? e.eventsPerSecond / raw.result.eventsPerSecond : NaN, unit: '', target: TARGETS.e2eOverRaw, better: 'higher' },
    { metric: `ingest, HTTP batches of ${config.batch} (c=${e2eConcurrency})`, value: e.ingestEventsPerSecond, unit: 'ev/s' },
    { metric: `ingest, single-event POSTs (c=${config.concurrency})`, value: s1.ingestEventsPerSecond, unit: 'ev/s' },
    { metric: 'platform e2e, single-event POSTs', value: s1.completed ? s1.eventsPerSecond : NaN, unit: 'ev/s' },
    { metric: 'ingest, Kafka topic crm.ingest.v1', value: k.completed ? k.eventsPerSecond : NaN, unit: 'ev/s' },
    { metric: `ingest latency p50 @${config.rate}/s`, value: l.ingestLatencyMs.p50, unit: 'ms' },
    { metric: `ingest latency p99 @${config.rate}/s`, value: l.ingestLatencyMs.p99, unit: 'ms', target: TARGETS.ingestP99Ms, better: 'lower' },
    { metric: `ingest latency max @${config.rate}/s`, value: l.ingestLatencyMs.max, unit: 'ms' },
    { metric: 'event → read model p50', value: l.visibilityMs.p50, unit: 'ms' },
    { metric: 'event → read model p99', value: l.visibilityTimedOut > 0 ? NaN : l.visibilityMs.p99, unit: 'ms', target: TARGETS.visibilityP99Ms, better: 'lower' },
    { metric: 'ingest RSS max', value: rssMax.ingest, unit: 'MB', target: TARGETS.rssMb, better: 'lower' },
    { metric: 'profile RSS max', value: rssMax.profile, unit: 'MB', target: TARGETS.rssMb, better: 'lower' },
  ];
  log(`\nresults (run ${stamp}; machine-dependent — ${cpus.length} cores shared by bench, services and servers)\n`);
  log(table(rows));
  const disturbed = Object.entries({ raw: raw.cpu, e2e: e2e.cpu, 'fixed rate': lat.cpu }).filter(([, c]) => c.cores.other > 0.25);
  for (const [phase, c] of disturbed) {
    log(`\nnote: other processes kept ${c.cores.other.toFixed(2)} of ${cpus.length} cores busy during the ${phase} phase — its figures are disturbed; rerun on a quiet machine`);
  }
  const file = writeResults({
    run: stamp,
    finishedAt: new Date().toISOString(),
    machine: { cpus: cpus.length, cpuModel: cpus[0]?.model, memGiB: Math.round(os.totalmem() / 2 ** 30), node: process.version, infra: infraStatus },
    config,
    targets: TARGETS,
    raw: raw.result,
    e2e: e,
    singleEventPosts: s1,
    kafkaIngest: k,
    latency: l,
    rssMaxMb: { ...rssMax, e2ePhase: rssE2e, fixedRatePhase: rssLat },
    cpu: { raw: raw.cpu, e2e: e2e.cpu, fixedRate: lat.cpu },
    figures: rows.map((r) => ({ ...r, verdict: verdict(r) })),
  });
  log(`\nwritten ${path.relative(process.cwd(), file)}`);
}

const PHASES = ['core', 'segmentation', 'loyalty', 'analytics', 'replay', 'profile'] as const;

/** The per-service phases: each sets up what it needs, reports progress, and returns plain figures. */
async function runServicePhases(selected: ReadonlySet<string>): Promise<void> {
  const env = infra ?? (await ensureInfra(log));
  const logDir = path.join(RESULTS_DIR, 'logs');
  mkdirSync(logDir, { recursive: true });
  const phases: [string, () => Promise<object>][] = [
    ['segmentation', () => runSegmentationBench({ log, infra: env, logDir })],
    ['loyalty', () => runLoyaltyBench({ log, infra: env, logDir })],
    ['analytics', () => runAnalyticsBench({ log, infra: env, logDir })],
    ['replay', () => runReplayBench({ log, infra: env, logDir })],
    ['profile', () => runProfileBench({ log, infra: env, logDir })],
  ];
  const results: Record<string, object> = {};
  for (const [name, run] of phases) {
    if (!selected.has(name)) continue;
    log(`\n[${name}] ${'-'.repeat(60)}`);
    try {
      results[name] = await run();
      log(`[${name}] figures: ${JSON.stringify(results[name])}`);
    } catch (error) {
      // one service's bench failing does not void the others' figures
      process.exitCode = 1;
      results[name] = { failed: error instanceof Error ? error.message : String(error) };
      log(`[${name}] FAILED: ${(results[name] as { failed: string }).failed}`);
    }
  }
  if (Object.keys(results).length > 0) {
    const file = writeResults({ run: stamp, finishedAt: new Date().toISOString(), services: results }, 'services.json');
    log(`\nwritten ${path.relative(process.cwd(), file)}`);
  }
}

async function main(): Promise<void> {
  const selected = new Set((process.env['BENCH_PHASES'] ?? PHASES.join(',')).split(',').map((p) => p.trim()).filter(Boolean));
  const unknown = [...selected].filter((p) => !(PHASES as readonly string[]).includes(p));
  if (unknown.length > 0) throw new Error(`BENCH_PHASES: unknown phase(s) ${unknown.join(', ')}; known: ${PHASES.join(', ')}`);
  if (selected.has('core')) await runCorePhases();
  await runServicePhases(selected);
}

main()
  .catch(async (error: unknown) => {
    process.exitCode = 1;
    log(`\nbench failed: ${error instanceof Error ? error.message : String(error)}`);
    for (const s of services) log(`  ${s.name} log: ${s.logFile}`);
    await cleanup();
  })
  .finally(() => {
    // kafkajs/mongo sockets may linger briefly; the figures are written, so leave now.
    setTimeout(() => process.exit(), 200).unref();
  });
