/**
 * Replay speed against raw event-store read speed, in one run on the same data.
 *
 *   1. seeds BENCH_REPLAY_EVENTS customer events (BENCH_REPLAY_CUSTOMERS customers, interleaved,
 *      some `crm.profile.updated` stored as v1 so replays upcast) into a fresh PostgreSQL schema;
 *   2. raw read: `readAll` pages of the replay's page size, start to end, nothing else (best of two);
 *   3. replays (dry runs: fold into a shadow collection, compare, drop) of
 *      - the contact-card test read model, in this process (always available), and
 *      - every read model of each built read-side service (dist/apps/<service>/main.js, spawned
 *        as deployed with EVENT_STORE pointing at the bench schema) whose admin API offers replays;
 *   4. reports each replay's fold speed (events/s while folding, comparison excluded) and its
 *      ratio to the raw read speed.
 *
 * Knobs (env): BENCH_REPLAY_EVENTS (50000), BENCH_REPLAY_CUSTOMERS (1000), BENCH_REPLAY_ACTIVE
 * (200 customers active at a time; = customers for every customer interleaved to the end),
 * BENCH_REPLAY_SERVICES (profile,segmentation,loyalty,analytics), BENCH_REPLAY_PAGE_SIZE (5000),
 * BENCH_REPLAY_PORT (4201).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { Test } from '@nestjs/testing';
import { Kafka, logLevel } from 'kafkajs';
import { MongoClient } from 'mongodb';
import { Client } from 'pg';
import { PostgresEventStore, type AppendRequest } from '@crm/event-store';
import { toNewEvent } from '@crm/messaging';
import { ReplayService, type ReadModelView, type ReplayJobView } from '@crm/projections';
// Deep imports, not '@crm/projections/testing': the bench runs without path mapping, and these
// files need nothing from other libs' testing entries.
import { ContactCardServiceModule, loadReplayTestSettings, waitForEventStore } from '@crm/projections/src/replay/testing/contact-card.service-module';
import { waitForReplay } from '@crm/projections/src/replay/testing/replay-expectations';
import { BENCH_API_KEY, benchAuthEnv, REPO_ROOT, SERVICE_NODE_OPTIONS, type InfraEnv } from '../services';

export interface ReplayBenchOptions {
  readonly log: (line: string) => void;
  readonly infra: InfraEnv;
  /** Where spawned services write their logs. */
  readonly logDir: string;
}

export interface ReplaySpeed {
  readonly service: string;
  readonly readModel: string;
  readonly foldEventsPerSecond: number | null;
  readonly ratioToRawRead: number | null;
  readonly eventsApplied: number;
  readonly documentsWritten: number;
  readonly foldSeconds: number | null;
  readonly compareSeconds: number | null;
  readonly note?: string;
}

export interface ReplayBenchResult {
  readonly events: number;
  readonly customers: number;
  readonly activeCustomers: number;
  readonly pageSize: number;
  readonly rawReadEventsPerSecond: number;
  readonly rawReadSeconds: number;
  readonly replays: readonly ReplaySpeed[];
  /** The slowest replay's ratio to the raw read speed (target ≥ 0.7). */
  readonly minReplayOverRawRead: number | null;
}

const int = (name: string, fallback: number): number => {
  const raw = process.env[name];
  const n = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer (got ${raw})`);
  return n;
};

const round = (n: number, digits = 2): number => Number(n.toFixed(digits));

/**
 * A contract-valid history: each customer registers, then orders and updates its profile (some
 * updates stored as v1). Customers are active a while and then quiet, like real ones:
 * `active` customers at a time, their events interleaved (`active` = all customers: every
 * customer active until the end, the worst case for writing a rebuild behind).
 */
function* benchEvents(events: number, customers: number, active: number): Generator<{ streamId: string; envelope: ReturnType<typeof envelope> }> {
  const perCustomer = Math.max(1, Math.floor(events / customers));
  let emitted = 0;
  for (let wave = 0; wave < customers && emitted < events; wave += active) {
    const members = Array.from({ length: Math.min(active, customers - wave) }, (_, k) => wave + k);
    for (let round = 0; round < perCustomer && emitted < events; round++) {
      for (const c of members) {
        if (emitted >= events) break;
        const customerId = `bench-${c}`;
        const streamId = `customer-${customerId}`;
        emitted++;
        if (round === 0) {
          yield { streamId, envelope: envelope(customerId, 'crm.customer.registered', 1, { email: `${customerId}@example.com`, country: 'DE' }) };
          continue;
        }
        const kind = (emitted * 7) % 10;
        if (kind < 6) yield { streamId, envelope: envelope(customerId, 'crm.order.completed', 1, { orderId: `o-${emitted}`, totalMinor: 100 + (emitted % 5000), currency: 'EUR' }) };
        else if (kind < 8) yield { streamId, envelope: envelope(customerId, 'crm.profile.updated', 2, { contact: { email: `${customerId}.${emitted}@example.com` } }) };
        else yield { streamId, envelope: envelope(customerId, 'crm.profile.updated', 1, { email: `${customerId}.v1.${emitted}@example.com` }) };
      }
    }
  }
}

function envelope(subject: string, type: string, schemaVersion: number, data: Record<string, unknown>) {
  return { id: randomUUID(), type, schemaVersion, source: 'bench', subject, time: new Date().toISOString(), data };
}

async function seed(store: PostgresEventStore, events: number, customers: number, active: number, log: (line: string) => void): Promise<number> {
  let batch: AppendRequest[] = [];
  let count = 0;
  const started = Date.now();
  for (const { streamId, envelope: e } of benchEvents(events, customers, active)) {
    batch.push({ streamId, events: [toNewEvent(e)] });
    if (batch.length >= 1_000) {
      await store.appendToStreams(batch);
      count += batch.length;
      batch = [];
      if (count % 20_000 === 0) log(`  seeded ${count.toLocaleString('en-US')} events`);
    }
  }
  if (batch.length > 0) await store.appendToStreams(batch);
  count += batch.length;
  log(`  seeded ${count.toLocaleString('en-US')} events in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return count;
}

/** Raw read: the log start to end in pages, doing nothing with them. */
async function rawRead(store: PostgresEventStore, pageSize: number): Promise<{ events: number; seconds: number }> {
  const started = process.hrtime.bigint();
  let from: bigint | undefined;
  let events = 0;
  for (;;) {
    const page = await store.readAll({ fromPosition: from, maxCount: pageSize });
    if (page.length === 0) break;
    events += page.length;
    from = page[page.length - 1].position;
    if (page.length < pageSize) break;
  }
  return { events, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

function speedOf(service: string, job: ReplayJobView, raw: number): ReplaySpeed {
  const report = job.report;
  const fold = report?.foldEventsPerSecond ?? null;
  return {
    service,
    readModel: job.readModel,
    foldEventsPerSecond: fold,
    ratioToRawRead: fold === null ? null : round(fold / raw),
    eventsApplied: job.counters.eventsApplied,
    documentsWritten: job.counters.documentsWritten,
    foldSeconds: report?.phaseSeconds.folding ?? null,
    compareSeconds: report?.phaseSeconds.comparing ?? null,
    ...(job.status !== 'completed' ? { note: `${job.status}: ${job.error ?? ''}` } : {}),
  };
}

async function json<T>(port: number, urlPath: string, init: { method?: string; body?: unknown } = {}): Promise<{ status: number; body: T }> {
  const res = await fetch(`http://127.0.0.1:${port}${urlPath}`, {
    method: init.method ?? 'GET',
    headers: { 'x-api-key': BENCH_API_KEY, 'content-type': 'application/json' },
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as T };
}

async function waitHealthy(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`exited with code ${child.exitCode}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/health/ready`)).status === 200) return;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`not ready after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Replays every replayable read model of one built service, spawned as deployed. */
async function benchService(name: string, port: number, env: Record<string, string>, raw: number, options: ReplayBenchOptions): Promise<ReplaySpeed[]> {
  const main = path.join(REPO_ROOT, 'dist/apps', name, 'main.js');
  if (!existsSync(main)) return [{ service: name, readModel: '-', foldEventsPerSecond: null, ratioToRawRead: null, eventsApplied: 0, documentsWritten: 0, foldSeconds: null, compareSeconds: null, note: `${main} not built` }];
  const logFile = path.join(options.logDir, `replay-${name}.log`);
  const log = createWriteStream(logFile);
  const child = spawn(process.execPath, [main], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_ENV: 'production', NODE_OPTIONS: process.env.BENCH_SERVICE_NODE_OPTIONS ?? SERVICE_NODE_OPTIONS, PORT: String(port), ...benchAuthEnv(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  try {
    await waitHealthy(port, child, 90_000);
    const models = await json<ReadModelView[]>(port, '/v1/admin/read-models');
    if (models.status !== 200) throw new Error(`GET /v1/admin/read-models answered ${models.status}`);
    const results: ReplaySpeed[] = [];
    for (const model of models.body) {
      if (!model.replayAvailable) {
        results.push({ service: name, readModel: model.name, foldEventsPerSecond: null, ratioToRawRead: null, eventsApplied: 0, documentsWritten: 0, foldSeconds: null, compareSeconds: null, note: 'service started without an event store (pass eventStore to ReadSideModule)' });
        continue;
      }
      options.log(`  ${name}: replaying ${model.name}`);
      const started = await json<ReplayJobView>(port, '/v1/admin/replays', { method: 'POST', body: { readModel: model.name, mode: 'dry-run' } });
      if (started.status !== 202) throw new Error(`POST /v1/admin/replays answered ${started.status}: ${JSON.stringify(started.body)}`);
      let job = started.body;
      let failures = 0;
      while (job.status === 'running') {
        await new Promise((r) => setTimeout(r, 500));
        const polled = await json<ReplayJobView>(port, `/v1/admin/replays/${job.id}`).catch((error: Error) => ({ status: 0, body: error.message }));
        if (polled.status === 200) job = polled.body as ReplayJobView;
        else if (++failures > 60) throw new Error(`GET /v1/admin/replays/${job.id} keeps failing: ${polled.status} ${JSON.stringify(polled.body)}`);
      }
      results.push(speedOf(name, job, raw));
    }
    return results;
  } catch (error) {
    return [{ service: name, readModel: '-', foldEventsPerSecond: null, ratioToRawRead: null, eventsApplied: 0, documentsWritten: 0, foldSeconds: null, compareSeconds: null, note: `${(error as Error).message} (log: ${logFile})` }];
  } finally {
    if (child.exitCode === null) {
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  }
}

export async function runReplayBench(options: ReplayBenchOptions): Promise<ReplayBenchResult> {
  const { log, infra } = options;
  const events = int('BENCH_REPLAY_EVENTS', 50_000);
  const customers = int('BENCH_REPLAY_CUSTOMERS', 1_000);
  const active = Math.min(customers, int('BENCH_REPLAY_ACTIVE', 200));
  const pageSize = int('BENCH_REPLAY_PAGE_SIZE', 5_000);
  const basePort = int('BENCH_REPLAY_PORT', 4_201);
  const services = (process.env.BENCH_REPLAY_SERVICES ?? 'profile,segmentation,loyalty,analytics').split(',').filter((s) => s !== '');
  const stamp = Date.now().toString(36);
  const schema = `bench_replay_${stamp}`;
  const prefix = `bench-replay-${stamp}.`;
  mkdirSync(options.logDir, { recursive: true });
  const databases: string[] = [];

  const store = await PostgresEventStore.connect({ connectionString: infra.POSTGRES_URL, schema, poolSize: 4 });
  try {
    log(`replay: seeding ${events.toLocaleString('en-US')} events for ${customers.toLocaleString('en-US')} customers (${active} active at a time) into ${schema}`);
    const seeded = await seed(store, events, customers, active, log);

    const rawRuns = [await rawRead(store, pageSize)];
    const raw = () => Math.max(...rawRuns.map((r) => r.events / r.seconds));
    log(`  raw read: ${Math.round(raw()).toLocaleString('en-US')} events/s (pages of ${pageSize})`);

    const replays: ReplaySpeed[] = [];
    // The contact-card read model in this process: the replay engine alone, as every service runs it.
    const env = {
      ...process.env,
      API_KEYS: benchAuthEnv().API_KEYS,
      MONGODB_URL: infra.MONGODB_URL,
      MONGODB_DB: `bench_replay_cards_${stamp}`,
      KAFKA_BROKERS: infra.KAFKA_BROKERS,
      KAFKA_TOPIC_PREFIX: prefix,
      KAFKA_CONSUMER_GROUP: `${prefix}contact-card`,
      POSTGRES_URL: infra.POSTGRES_URL,
      POSTGRES_SCHEMA: schema,
      POSTGRES_POOL_SIZE: '4',
      LOG_LEVEL: 'warn',
    };
    databases.push(env.MONGODB_DB);
    const settings = loadReplayTestSettings(env, 'bench-replay');
    const moduleRef = await Test.createTestingModule({ imports: [ContactCardServiceModule.register(settings, { replay: { pageSize } })] }).compile();
    const app = moduleRef.createNestApplication({ logger: ['error'] });
    await app.init();
    try {
      await waitForEventStore(app);
      log('  contact-card (in process): replaying');
      const started = await app.get(ReplayService).start({ readModel: 'contact-card', mode: 'dry-run' });
      replays.push(speedOf('bench (in process)', await waitForReplay(app, started.id, 30 * 60_000), raw()));
    } finally {
      await app.close();
    }

    for (const [i, name] of services.entries()) {
      const db = `bench_replay_${name}_${stamp}`;
      databases.push(db);
      replays.push(
        ...(await benchService(
          name,
          basePort + i,
          {
            MONGODB_URL: infra.MONGODB_URL,
            MONGODB_DB: db,
            KAFKA_BROKERS: infra.KAFKA_BROKERS,
            KAFKA_TOPIC_PREFIX: prefix,
            KAFKA_CONSUMER_GROUP: `${prefix}${name}`,
            EVENT_STORE: 'postgres',
            POSTGRES_URL: infra.POSTGRES_URL,
            POSTGRES_SCHEMA: schema,
            LOG_LEVEL: 'warn',
          },
          raw(),
          options,
        )),
      );
    }

    rawRuns.push(await rawRead(store, pageSize)); // again after the replays: the higher of the two counts
    const rawEventsPerSecond = raw();
    const measured = replays.map((r) => ({ ...r, ratioToRawRead: r.foldEventsPerSecond === null ? null : round(r.foldEventsPerSecond / rawEventsPerSecond) }));
    for (const r of measured) {
      log(`  ${r.service} ${r.readModel}: ${r.foldEventsPerSecond === null ? (r.note ?? 'n/a') : `${r.foldEventsPerSecond.toLocaleString('en-US')} events/s = ${r.ratioToRawRead}× raw read`}`);
    }
    const ratios = measured.map((r) => r.ratioToRawRead).filter((r): r is number => r !== null);
    return {
      events: seeded,
      customers,
      activeCustomers: active,
      pageSize,
      rawReadEventsPerSecond: Math.round(rawEventsPerSecond),
      rawReadSeconds: round(Math.min(...rawRuns.map((r) => r.seconds))),
      replays: measured,
      minReplayOverRawRead: ratios.length > 0 ? Math.min(...ratios) : null,
    };
  } finally {
    await store.close();
    await cleanUp(infra, schema, prefix, databases).catch((error: Error) => log(`  cleanup: ${error.message}`));
  }
}

async function cleanUp(infra: InfraEnv, schema: string, prefix: string, databases: string[]): Promise<void> {
  const pg = new Client({ connectionString: infra.POSTGRES_URL });
  await pg.connect();
  await pg.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).finally(() => pg.end());
  const mongo = await MongoClient.connect(infra.MONGODB_URL);
  for (const db of databases) await mongo.db(db).dropDatabase().catch(() => undefined);
  await mongo.close();
  const admin = new Kafka({ brokers: infra.KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
    if (topics.length > 0) await admin.deleteTopics({ topics });
  } finally {
    await admin.disconnect();
  }
}

/** Standalone: `TS_NODE_PROJECT=bench/tsconfig.json node -r ts-node/register/transpile-only bench/src/replay/replay.bench.ts` */
if (require.main === module) {
  void (async () => {
    const { ensureInfra } = await import('../services');
    const log = (line: string) => process.stdout.write(`${line}\n`);
    const infra = await ensureInfra(log);
    const result = await runReplayBench({ log, infra, logDir: path.join(REPO_ROOT, '.local/logs/bench') });
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
    process.exit(0);
  })().catch((error: Error) => {
    process.stderr.write(`${error.stack ?? error.message}\n`);
    process.exit(1);
  });
}
