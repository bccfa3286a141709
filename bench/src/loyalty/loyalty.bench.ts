/**
 * Loyalty: earning throughput and redemption throughput under contention, on the built services
 * (`dist/apps/ingest`, `dist/apps/loyalty`) and the real servers, in an isolated schema, topic
 * prefix, consumer groups and database that are removed afterwards.
 *
 *   earning     completed orders POSTed to ingest in batches; the clock stops when the loyalty
 *               command side has applied every order to its account (event store), and again when
 *               the read model (MongoDB) holds every loyalty event those orders produced.
 *   redemption  many parallel redemptions on a few hot accounts, spread over several loyalty
 *               instances (replicas): optimistic concurrency on the account streams decides, each
 *               account is funded for about half of the requests, and the run checks afterwards
 *               that no account spent more than it had.
 *
 * Knobs (env): BENCH_LOYALTY_ORDERS (4000), BENCH_LOYALTY_CUSTOMERS (400), BENCH_LOYALTY_REDEMPTIONS
 * (2000), BENCH_LOYALTY_HOT_ACCOUNTS (4), BENCH_LOYALTY_CONCURRENCY (64), BENCH_LOYALTY_INSTANCES (2),
 * BENCH_LOYALTY_PORT (4201; instances take the next ports), BENCH_LOYALTY_INGEST_PORT (4200).
 */
import { spawn } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import mongoose from 'mongoose';
import { Client } from 'pg';
import {
  benchAuthEnv,
  ensureInfra,
  httpGet,
  httpPostJson,
  promCounter,
  REPO_ROOT,
  SERVICE_NODE_OPTIONS,
  spawnService,
  stopService,
  waitReady,
  type InfraEnv,
  type RunningService,
} from '../services';
import { round, summarize } from '../stats';

export interface LoyaltyBenchOptions {
  readonly log: (line: string) => void;
  /** Connection settings; found (and the servers started) with `ensureInfra` when absent. */
  readonly infra?: InfraEnv;
  /** Where the services' logs go; default bench/results/logs. */
  readonly logDir?: string;
}

export interface LoyaltyBenchResult {
  earnOrders: number;
  earnCustomers: number;
  earnAcceptedOrders: number;
  earnCommandSeconds: number;
  earnOrdersPerSecond: number;
  earnReadModelSeconds: number;
  earnReadModelEventsPerSecond: number;
  loyaltyEventsWritten: number;
  redemptionRequests: number;
  redemptionHotAccounts: number;
  redemptionConcurrency: number;
  redemptionInstances: number;
  redemptionSeconds: number;
  redemptionRequestsPerSecond: number;
  redemptionsAccepted: number;
  redemptionsRefusedInsufficient: number;
  redemptionsOther: number;
  redemptionLatencyP50Ms: number;
  redemptionLatencyP99Ms: number;
  redemptionConflictRetries: number;
  /** Must be 0: points spent beyond an account's balance. */
  overspentPoints: number;
  readModelBalancesMatch: boolean;
}

const int = (name: string, fallback: number): number => {
  const raw = process.env[name];
  const n = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer (got ${raw})`);
  return n;
};

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
const REDEEM_POINTS = 100; // the default program's smallest points redemption

export async function runLoyaltyBench(options: LoyaltyBenchOptions): Promise<LoyaltyBenchResult> {
  const { log } = options;
  const config = {
    orders: int('BENCH_LOYALTY_ORDERS', 4_000),
    customers: int('BENCH_LOYALTY_CUSTOMERS', 400),
    redemptions: int('BENCH_LOYALTY_REDEMPTIONS', 2_000),
    hotAccounts: int('BENCH_LOYALTY_HOT_ACCOUNTS', 4),
    concurrency: int('BENCH_LOYALTY_CONCURRENCY', 64),
    instances: int('BENCH_LOYALTY_INSTANCES', 2),
    ingestPort: int('BENCH_LOYALTY_INGEST_PORT', 4200),
    loyaltyPort: int('BENCH_LOYALTY_PORT', 4201),
  };
  const infra = options.infra ?? (await ensureInfra(log));
  const stamp = Date.now().toString(36);
  const names = { schema: `bench_loyalty_${stamp}`, prefix: `benchloyalty${stamp}.`, group: `bench-loyalty-${stamp}`, db: `bench_loyalty_${stamp}` };
  const logDir = options.logDir ?? path.join(REPO_ROOT, 'bench/results/logs');
  mkdirSync(logDir, { recursive: true });
  log(`loyalty bench ${stamp}: ${JSON.stringify(config)}`);

  const services: RunningService[] = [];
  const pg = new Client({ connectionString: infra.POSTGRES_URL });
  await pg.connect();
  try {
    const common = { KAFKA_BROKERS: infra.KAFKA_BROKERS, KAFKA_TOPIC_PREFIX: names.prefix, POSTGRES_URL: infra.POSTGRES_URL, POSTGRES_SCHEMA: names.schema, LOG_LEVEL: 'warn' };
    services.push(spawnService('ingest', config.ingestPort, { ...common, RELAY_NAME: `bench-loyalty-relay-${stamp}`, INGEST_KAFKA_ENABLED: 'false' }, logDir));
    await waitReady(services, 90_000); // ingest first: it migrates the event-store schema the loyalty instances share
    const loyalty = Array.from({ length: config.instances }, (_, i) =>
      spawnLoyalty(config.loyaltyPort + i, { ...common, KAFKA_CONSUMER_GROUP: names.group, MONGODB_URL: infra.MONGODB_URL, MONGODB_DB: names.db, LOYALTY_MAINTENANCE_INTERVAL_MS: '0' }, logDir, i),
    );
    services.push(...loyalty);
    await waitReady(services, 90_000);
    log(`  ingest and ${config.instances} loyalty instance(s) ready`);

    const earning = await runEarning(log, pg, names.schema, config, stamp, loyalty);
    const redemption = await runRedemption(log, config, stamp, loyalty);
    return { ...earning, ...redemption };
  } finally {
    await Promise.all(services.map((s) => stopService(s)));
    await pg.query(`DROP SCHEMA IF EXISTS ${names.schema} CASCADE`).catch(() => undefined);
    await pg.end();
    await cleanupKafkaAndMongo(infra, names).catch((error: Error) => log(`  cleanup failed: ${error.message}`));
  }
}

function spawnLoyalty(port: number, env: Record<string, string>, logDir: string, index: number): RunningService {
  const main = path.join(REPO_ROOT, 'dist/apps/loyalty/main.js');
  if (!existsSync(main)) throw new Error(`${main} missing: run \`npx nx build loyalty\` first`);
  const logFile = path.join(logDir, `loyalty-${index}.log`);
  const out = createWriteStream(logFile);
  const child = spawn(process.execPath, [main], {
    cwd: REPO_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_ENV: 'production', PORT: String(port), NODE_OPTIONS: SERVICE_NODE_OPTIONS, ...benchAuthEnv(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(out);
  child.stderr?.pipe(out);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { name: `loyalty-${index}`, port, child, logFile, exited };
}

async function metric(services: RunningService[], name: string): Promise<number> {
  let total = 0;
  for (const s of services) total += promCounter((await httpGet(s.port, '/metrics')).body, name);
  return total;
}

async function waitUntil(what: string, probe: () => Promise<boolean>, stallMs = 60_000): Promise<boolean> {
  const deadline = Date.now() + stallMs;
  while (Date.now() < deadline) {
    if (await probe()) return true;
    await sleep(100);
  }
  return false;
}

async function runEarning(
  log: (line: string) => void,
  pg: Client,
  schema: string,
  config: { orders: number; customers: number; ingestPort: number },
  stamp: string,
  loyalty: RunningService[],
) {
  log(`\n  earning: ${config.orders} completed orders over ${config.customers} customers, batches of 100 to ingest`);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  const events = Array.from({ length: config.orders }, (_, i) => ({
    type: 'crm.order.completed',
    customerId: `earn-${stamp}-${i % config.customers}`,
    data: { orderId: `o-${i}`, totalMinor: 1_000 + ((i * 7_919) % 30_000), currency: 'EUR' },
  }));
  const t0 = performance.now();
  let accepted = 0;
  const batches = Array.from({ length: Math.ceil(events.length / 100) }, (_, i) => events.slice(i * 100, i * 100 + 100));
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      for (let batch = batches.shift(); batch; batch = batches.shift()) {
        const res = await httpPostJson(config.ingestPort, '/v1/events:batch', JSON.stringify({ events: batch }), agent);
        if (res.status === 202) accepted += (JSON.parse(res.body) as { accepted: number }).accepted;
      }
    }),
  );
  const applied = await waitUntil('command side', async () => (await metric(loyalty, 'loyalty_customer_events_total')) >= accepted);
  const commandSeconds = (performance.now() - t0) / 1_000;
  const loyaltyEvents = Number((await pg.query(`SELECT count(*) AS n FROM ${schema}.events WHERE stream_id LIKE 'loyalty-%'`)).rows[0].n);
  // Each loyalty event is projected by one instance (they share a consumer group): the counters summed over them count every event once.
  const projected = await waitUntil('read model', async () => {
    const text = await Promise.all(loyalty.map((s) => httpGet(s.port, '/metrics').then((r) => r.body)));
    const n = text.reduce((sum, body) => sum + sumLoyaltyTopic(body), 0);
    return n >= loyaltyEvents;
  });
  const readModelSeconds = (performance.now() - t0) / 1_000;
  agent.destroy();
  log(
    `  ${accepted} orders applied to their accounts in ${commandSeconds.toFixed(2)} s = ${Math.round(accepted / commandSeconds)} orders/s${applied ? '' : ' (INCOMPLETE)'}; ` +
      `${loyaltyEvents} loyalty events in the read model after ${readModelSeconds.toFixed(2)} s${projected ? '' : ' (INCOMPLETE)'}`,
  );
  return {
    earnOrders: config.orders,
    earnCustomers: config.customers,
    earnAcceptedOrders: accepted,
    earnCommandSeconds: round(commandSeconds, 2),
    earnOrdersPerSecond: round(accepted / commandSeconds, 0),
    earnReadModelSeconds: round(readModelSeconds, 2),
    earnReadModelEventsPerSecond: round(loyaltyEvents / readModelSeconds, 0),
    loyaltyEventsWritten: loyaltyEvents,
  };
}

/** `projection_events_total` of the loyalty topic only (the read side also consumes customer events). */
function sumLoyaltyTopic(metricsText: string): number {
  let total = 0;
  for (const line of metricsText.split('\n')) {
    if (line.startsWith('projection_events_total{') && line.includes('crm.loyalty-events.v1')) total += Number(line.slice(line.lastIndexOf(' ') + 1));
  }
  return total;
}

async function runRedemption(
  log: (line: string) => void,
  config: { redemptions: number; hotAccounts: number; concurrency: number; instances: number },
  stamp: string,
  loyalty: RunningService[],
) {
  const accounts = Array.from({ length: config.hotAccounts }, (_, i) => `hot-${stamp}-${i}`);
  const perAccount = Math.ceil(config.redemptions / config.hotAccounts);
  const funded = Math.floor(perAccount / 2) * REDEEM_POINTS; // about half the requests can be served
  log(`\n  redemption: ${config.redemptions} requests of ${REDEEM_POINTS} points on ${config.hotAccounts} accounts funded with ${funded} points each, ` +
    `${config.concurrency} in flight over ${config.instances} instance(s)`);
  const agent = new http.Agent({ keepAlive: true, maxSockets: config.concurrency });
  for (const account of accounts) {
    const res = await httpPostJson(loyalty[0].port, `/v1/loyalty/accounts/${account}/adjustments`, JSON.stringify({ points: funded, reason: 'bench funding', requestId: `fund-${account}` }), agent);
    if (res.status !== 201) throw new Error(`funding ${account} failed: ${res.status} ${res.body}`);
  }
  const conflictsBefore = await metric(loyalty, 'loyalty_command_conflicts_total');
  const latencies: number[] = [];
  const statuses = new Map<string, number>();
  const acceptedBy = new Map<string, number>();
  const transportErrors = new Set<string>();
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: config.concurrency }, async () => {
      for (let i = next++; i < config.redemptions; i = next++) {
        const account = accounts[i % accounts.length];
        const started = performance.now();
        // Every account gets requests through every instance, so instances race for the same streams.
        const instance = loyalty[Math.floor(i / accounts.length) % loyalty.length];
        const res = await httpPostJson(instance.port, `/v1/loyalty/accounts/${account}/redemptions`, JSON.stringify({ points: REDEEM_POINTS, requestId: `r-${i}` }), agent).catch(
          (e: Error) => ({ status: 0, body: e.message }),
        );
        latencies.push(performance.now() - started);
        if (res.status === 0) transportErrors.add(res.body);
        const code = res.status === 409 ? `409 ${(JSON.parse(res.body) as { code?: string }).code}` : String(res.status);
        statuses.set(code, (statuses.get(code) ?? 0) + 1);
        if (res.status === 201) acceptedBy.set(account, (acceptedBy.get(account) ?? 0) + 1);
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1_000;
  const conflicts = (await metric(loyalty, 'loyalty_command_conflicts_total')) - conflictsBefore;
  const latency = summarize(latencies);
  const accepted = statuses.get('201') ?? 0;
  const insufficient = statuses.get('409 insufficient-points') ?? 0;
  const overspent = accounts.reduce((sum, a) => sum + Math.max(0, (acceptedBy.get(a) ?? 0) * REDEEM_POINTS - funded), 0);
  // The read model, once caught up, must show exactly what was left.
  const matches = await waitUntil('read model balances', async () => {
    for (const a of accounts) {
      const res = await httpGet(loyalty[0].port, `/v1/loyalty/accounts/${a}`, agent);
      if (res.status !== 200 || (JSON.parse(res.body) as { available: number }).available !== funded - (acceptedBy.get(a) ?? 0) * REDEEM_POINTS) return false;
    }
    return true;
  }, 30_000);
  agent.destroy();
  log(
    `  ${config.redemptions} requests in ${seconds.toFixed(2)} s = ${Math.round(config.redemptions / seconds)} req/s: ${[...statuses].map(([k, v]) => `${k} × ${v}`).join(', ')}; ` +
      `p50 ${latency.p50.toFixed(1)} ms, p99 ${latency.p99.toFixed(1)} ms; ${conflicts} lost races retried; overspent ${overspent} points; read model ${matches ? 'matches' : 'DOES NOT match'}`,
  );
  if (transportErrors.size > 0) log(`  requests without an answer: ${[...transportErrors].join('; ')}`);
  return {
    redemptionRequests: config.redemptions,
    redemptionHotAccounts: config.hotAccounts,
    redemptionConcurrency: config.concurrency,
    redemptionInstances: config.instances,
    redemptionSeconds: round(seconds, 2),
    redemptionRequestsPerSecond: round(config.redemptions / seconds, 0),
    redemptionsAccepted: accepted,
    redemptionsRefusedInsufficient: insufficient,
    redemptionsOther: config.redemptions - accepted - insufficient,
    redemptionLatencyP50Ms: round(latency.p50, 1),
    redemptionLatencyP99Ms: round(latency.p99, 1),
    redemptionConflictRetries: conflicts,
    overspentPoints: overspent,
    readModelBalancesMatch: matches,
  };
}

async function cleanupKafkaAndMongo(infra: InfraEnv, names: { prefix: string; group: string; db: string }): Promise<void> {
  const admin = new Kafka({ clientId: 'bench-loyalty-cleanup', brokers: infra.KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(names.prefix));
    if (topics.length) await admin.deleteTopics({ topics, timeout: 15_000 });
    await admin.deleteGroups([names.group, `${names.group}-commands`]).catch(() => undefined);
  } finally {
    await admin.disconnect();
  }
  const client = new mongoose.mongo.MongoClient(infra.MONGODB_URL);
  await client.connect();
  try {
    await client.db(names.db).dropDatabase();
  } finally {
    await client.close();
  }
}
