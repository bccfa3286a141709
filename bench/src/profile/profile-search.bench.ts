/**
 * Profile: query latency of the customer 360 API over a seeded collection, on the built service
 * (`dist/apps/profile`) and the real servers, in its own database, topic prefix, consumer group
 * and event-store schema, all removed afterwards.
 *
 *   seed     BENCH_PROFILE_CUSTOMERS synthetic profiles (folded by the domain's own evolve) written
 *            straight into `customer_profiles`; the service then starts on them and builds its indexes.
 *   queries  each query kind — searches by stage, country, segment, tier, last-seen range and net
 *            revenue range, a combined filter, a deep page, lookup by email, get by id — sent
 *            BENCH_PROFILE_REQUESTS times at BENCH_PROFILE_CONCURRENCY in flight; latency per kind.
 *
 * On the local MongoDB-wire server (mongo-java-server) non-unique indexes are not built, so
 * searches scan: the figures show that server's cost, not MongoDB's.
 *
 * Knobs (env): BENCH_PROFILE_CUSTOMERS (10000), BENCH_PROFILE_REQUESTS (200), BENCH_PROFILE_CONCURRENCY (8),
 * BENCH_PROFILE_PORT (4301).
 */
import { mkdirSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import mongoose from 'mongoose';
import { Client } from 'pg';
import { ensureInfra, httpGet, REPO_ROOT, spawnService, stopService, waitReady, type InfraEnv, type RunningService } from '../services';
import { round, summarize } from '../stats';
import { BENCH_COUNTRIES, BENCH_SEGMENTS, BENCH_TIERS, syntheticCustomerId, syntheticEmail, syntheticProfileDocument } from './synthetic-profiles';

export interface ProfileBenchOptions {
  readonly log: (line: string) => void;
  /** Connection settings; found (and the servers started) with `ensureInfra` when absent. */
  readonly infra?: InfraEnv;
  /** Where the service's log goes; default bench/results/logs. */
  readonly logDir?: string;
}

export type ProfileBenchResult = Record<string, number>;

const int = (name: string, fallback: number): number => {
  const raw = process.env[name];
  const n = raw === undefined || raw === '' ? fallback : Number(raw);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer (got ${raw})`);
  return n;
};

const DAY_MS = 86_400_000;

export async function runProfileBench(options: ProfileBenchOptions): Promise<ProfileBenchResult> {
  const { log } = options;
  const customers = int('BENCH_PROFILE_CUSTOMERS', 10_000);
  const requests = int('BENCH_PROFILE_REQUESTS', 200);
  const concurrency = int('BENCH_PROFILE_CONCURRENCY', 8);
  const port = int('BENCH_PROFILE_PORT', 4301);
  const infra = options.infra ?? (await ensureInfra(log));
  const stamp = `${Date.now()}`;
  const names = { db: `bench_profile_q_${stamp}`, schema: `bench_profile_q_${stamp}`, prefix: `bench${stamp}.`, group: `bench-profile-q-${stamp}` };
  const logDir = options.logDir ?? path.join(REPO_ROOT, 'bench/results/logs', `profile-${stamp}`);
  mkdirSync(logDir, { recursive: true });

  const mongo = await mongoose.createConnection(infra.MONGODB_URL, { dbName: names.db, serverSelectionTimeoutMS: 60_000 }).asPromise();
  let service: RunningService | undefined;
  try {
    log(`profile: seeding ${customers} profiles into ${names.db}`);
    const now = Date.now();
    const seedStart = performance.now();
    const collection = mongo.db!.collection('customer_profiles');
    for (let from = 0; from < customers; from += 1_000) {
      const docs = Array.from({ length: Math.min(1_000, customers - from) }, (_, k) => syntheticProfileDocument(from + k, now));
      await collection.insertMany(docs as never[], { ordered: false });
    }
    const seedSeconds = (performance.now() - seedStart) / 1_000;
    log(`  seeded in ${seedSeconds.toFixed(1)} s`);

    service = spawnService('profile', port, {
      KAFKA_BROKERS: infra.KAFKA_BROKERS,
      KAFKA_TOPIC_PREFIX: names.prefix,
      KAFKA_CONSUMER_GROUP: names.group,
      KAFKA_TOPIC_PARTITIONS: '1',
      MONGODB_URL: infra.MONGODB_URL,
      MONGODB_DB: names.db,
      POSTGRES_URL: infra.POSTGRES_URL,
      POSTGRES_SCHEMA: names.schema,
      PROFILE_SWEEP_ENABLED: 'false',
      LOG_LEVEL: 'warn',
    }, logDir);
    await waitReady([service], 120_000);

    const day = (n: number) => new Date(now - n * DAY_MS).toISOString();
    const pick = <T>(list: readonly T[], i: number): T => list[i % list.length];
    const kinds: Record<string, (i: number) => string> = {
      searchStage: (i) => `/v1/customers?stage=${pick(['lead', 'prospect', 'first-time-customer', 'repeat-customer', 'loyal', 'at-risk', 'churned'], i)}&pageSize=50`,
      searchCountry: (i) => `/v1/customers?country=${pick(BENCH_COUNTRIES, i)}&pageSize=50`,
      searchSegment: (i) => `/v1/customers?segment=${pick(BENCH_SEGMENTS, i)}&pageSize=50`,
      searchTier: (i) => `/v1/customers?tier=${pick(BENCH_TIERS, i)}&pageSize=50`,
      searchLastSeen: (i) => `/v1/customers?lastSeenFrom=${day(60 + (i % 30))}&lastSeenTo=${day(i % 30)}&pageSize=50`,
      searchRevenue: (i) => `/v1/customers?currency=EUR&minRevenueMinor=${10_000 + (i % 10) * 5_000}&pageSize=50`,
      searchCombined: (i) => `/v1/customers?country=${pick(BENCH_COUNTRIES, i)}&stage=repeat-customer&tier=${pick(BENCH_TIERS, i)}&pageSize=50`,
      searchDeepPage: (i) => `/v1/customers?pageSize=50&page=${10 + (i % 10)}`,
      lookupEmail: (i) => `/v1/customers:lookup?kind=email&value=${encodeURIComponent(syntheticEmail((i * 7919) % customers))}`,
      getById: (i) => `/v1/customers/${syntheticCustomerId((i * 104_729) % customers)}`,
    };

    const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
    const result: ProfileBenchResult = { profileCustomers: customers, profileSeedSeconds: round(seedSeconds, 1), profileRequestsPerKind: requests, profileConcurrency: concurrency };
    const all: number[] = [];
    const wallStart = performance.now();
    for (const [kind, url] of Object.entries(kinds)) {
      const latencies: number[] = [];
      let next = 0;
      let failures = 0;
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          for (let i = next++; i < requests; i = next++) {
            const t0 = performance.now();
            const res = await httpGet(port, url(i), agent, 30_000);
            latencies.push(performance.now() - t0);
            if (res.status !== 200 && !(kind === 'lookupEmail' && res.status === 404)) failures++;
          }
        }),
      );
      if (failures > 0) throw new Error(`${kind}: ${failures} of ${requests} requests failed`);
      const s = summarize(latencies);
      all.push(...latencies);
      result[`${kind}P50Ms`] = round(s.p50, 1);
      result[`${kind}P99Ms`] = round(s.p99, 1);
      log(`  ${kind.padEnd(16)} p50 ${s.p50.toFixed(1).padStart(7)} ms   p90 ${s.p90.toFixed(1).padStart(7)} ms   p99 ${s.p99.toFixed(1).padStart(7)} ms`);
    }
    agent.destroy();
    const overall = summarize(all);
    result['profileQueriesP50Ms'] = round(overall.p50, 1);
    result['profileQueriesP99Ms'] = round(overall.p99, 1);
    result['profileQueriesPerSecond'] = round(all.length / ((performance.now() - wallStart) / 1_000), 1);
    return result;
  } finally {
    if (service) await stopService(service);
    await mongo.dropDatabase().catch(() => undefined);
    await mongo.close();
    const pg = new Client({ connectionString: infra.POSTGRES_URL });
    await pg.connect();
    await pg.query(`DROP SCHEMA IF EXISTS ${names.schema} CASCADE`).finally(() => pg.end());
    const admin = new Kafka({ brokers: infra.KAFKA_BROKERS.split(','), logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    const topics = (await admin.listTopics()).filter((t) => t.startsWith(names.prefix));
    if (topics.length > 0) await admin.deleteTopics({ topics });
    await admin.deleteGroups([names.group]).catch(() => undefined);
    await admin.disconnect();
  }
}
