import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { Kafka, logLevel } from 'kafkajs';
import { MongoClient } from 'mongodb';
import { Client } from 'pg';
import { Topics, type EventEnvelope } from '@crm/contracts';
import { PostgresEventStore } from '@crm/event-store';
import { topicName } from '@crm/messaging';
import type { ReplayJobView } from '@crm/projections';
import { appendCustomerEvents, customerEvent, dropReplayTestData, loadReplayTestSettings, replayTestEnv, startTestRelay, waitUntilConsumed } from '@crm/projections/testing';
import { TEST_API_KEY } from '@crm/platform/testing';
import { loadCliSettings } from './config/cli.env';
import { buildProgram } from './program';

// Real PostgreSQL, Kafka and MongoDB-wire server. The service is a real process (the contact-card
// test read model behind ReadSideModule, started with ts-node) so that one test can kill it with
// SIGKILL in the middle of a replay. The CLI runs in-process, exactly as `crm` runs it.

const REPO = path.resolve(__dirname, '../../..');
const env = replayTestEnv('clitest');
const settings = loadReplayTestSettings(env, 'clitest');
const SERVICE = 'clitest';

let port: number;
let server: ChildProcess | undefined;
let relay: Awaited<ReturnType<typeof startTestRelay>>;
let store: PostgresEventStore;
let mongo: MongoClient;
const extraSchemas: string[] = [];

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port: p } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(p));
    });
  });
}

async function startServer(extra: Record<string, string> = {}): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', 'apps/crm-cli/src/testing/contact-card-server.ts'], {
    cwd: REPO,
    env: { ...env, ...extra, PORT: String(port), HOST: '127.0.0.1', TS_NODE_PROJECT: 'apps/crm-cli/tsconfig.spec.json', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`service exited with ${child.exitCode}: ${stderr}`);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/health/ready`);
      if (res.status === 200) return child;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`service not ready after 60 s: ${stderr}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

async function stopServer(child: ChildProcess | undefined, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill(signal);
  await exited;
}

/** Runs `crm <args>` in-process; returns its exit code and what it printed. */
async function crm(args: string[], overrides: NodeJS.ProcessEnv = {}): Promise<{ code: number; out: string; err: string }> {
  const out = new PassThrough();
  const err = new PassThrough();
  let outText = '';
  let errText = '';
  out.on('data', (c: Buffer) => (outText += c.toString()));
  err.on('data', (c: Buffer) => (errText += c.toString()));
  let code = -1;
  const cliEnv = { ...env, CRM_SERVICES: `${SERVICE}=http://127.0.0.1:${port}`, CRM_API_KEY: TEST_API_KEY, ...overrides };
  const program = buildProgram({ output: { out, err }, settings: loadCliSettings(cliEnv), exit: (c) => (code = c) });
  try {
    await program.parseAsync(['node', 'crm', ...args]);
  } catch (error) {
    errText += (error as Error).message;
    code = 1;
  }
  return { code, out: outText, err: errText };
}

const admin = async <T>(pathname: string, init: RequestInit = {}): Promise<T> => {
  const res = await fetch(`http://127.0.0.1:${port}${pathname}`, { ...init, headers: { 'x-api-key': TEST_API_KEY, 'content-type': 'application/json' } });
  return (await res.json()) as T;
};

const registered = (c: string) => customerEvent(c, 'crm.customer.registered', { email: `${c}@example.com` });
const order = (c: string, id: string, totalMinor: number) => customerEvent(c, 'crm.order.completed', { orderId: id, totalMinor, currency: 'EUR' });

function history(customers: number): EventEnvelope[] {
  const events: EventEnvelope[] = [];
  for (let i = 0; i < customers; i++) {
    events.push(registered(`k${i}`), order(`k${i}`, `o${i}a`, 100 + i));
    if (i % 2 === 0) events.push(order(`k${i}`, `o${i}b`, 10));
  }
  return events;
}

beforeAll(async () => {
  port = await freePort();
  relay = await startTestRelay(settings);
  store = relay.store;
  mongo = await MongoClient.connect(settings.mongo.MONGODB_URL);
  await appendCustomerEvents(store, history(60));
  server = await startServer({ REPLAY_PAGE_SIZE: '10', REPLAY_BATCH_DELAY_MS: '150', REPLAY_LEASE_MS: '2000', REPLAY_SYNC_WRITES: 'true' });
  await waitUntilConsumed(settings, 60_000);
}, 120_000);

afterAll(async () => {
  await stopServer(server);
  await relay?.stop();
  const pg = new Client({ connectionString: settings.eventStore.POSTGRES_URL });
  await pg.connect();
  for (const schema of extraSchemas) await pg.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await pg.end();
  await mongo?.db(settings.mongo.MONGODB_DB).dropDatabase();
  await mongo?.close();
  await dropReplayTestData(settings);
}, 60_000);

describe('crm replay', () => {
  it('finds the read model, rebuilds it as a dry run and reports no difference from the live model', async () => {
    const models = await crm(['read-models']);
    expect(models.out).toContain(`${SERVICE}\tcontact-card\tContactCard`);
    const result = await crm(['replay', 'contact-card', '--dry-run', '--no-progress', '--json']);
    expect(result.code).toBe(0);
    const job = JSON.parse(result.out) as ReplayJobView;
    expect(job).toMatchObject({ status: 'completed', mode: 'dry-run' });
    expect(job.report!.diff).toMatchObject({ changed: 0, added: 0, removed: 0, inFlight: 0, same: 60 });
    expect(job.counters.eventsApplied).toBeGreaterThanOrEqual(150); // customer events and the derived lifecycle facts
    expect(result.err).toMatch(/started in clitest \(dry-run\)/);
  }, 60_000);

  it('resumes a replay whose service was killed midway (SIGKILL), and ends equal to the live model', async () => {
    const started = await crm(['replay', 'contact-card', '--detach']);
    expect(started.code).toBe(0);
    const id = started.out.trim();
    for (;;) {
      const job = await admin<ReplayJobView>(`/v1/admin/replays/${id}`);
      if (job.phase === 'folding' && job.counters.eventsRead >= 40) break;
      expect(job.status).toBe('running');
      await new Promise((r) => setTimeout(r, 50));
    }
    await stopServer(server, 'SIGKILL');
    const stored = await mongo.db(settings.mongo.MONGODB_DB).collection<{ _id: string; status: string; checkpoint: string; endPosition: string }>('replay_jobs').findOne({ _id: id });
    expect(stored).toMatchObject({ status: 'running' });
    expect(BigInt(stored!.checkpoint)).toBeLessThan(BigInt(stored!.endPosition));

    server = await startServer({ REPLAY_PAGE_SIZE: '10', REPLAY_LEASE_MS: '2000' });
    const resumed = await crm(['replay', '--resume', id, '--no-progress', '--json']);
    expect(resumed.code).toBe(0);
    const job = JSON.parse(resumed.out) as ReplayJobView;
    expect(job).toMatchObject({ status: 'completed', mode: 'swap' });
    expect(job.resumes).toBeGreaterThanOrEqual(1);
    await waitUntilConsumed(settings, 60_000);
    const check = await crm(['replay', 'contact-card', '--dry-run', '--no-progress', '--json']);
    expect(JSON.parse(check.out).report.diff).toMatchObject({ changed: 0, added: 0, removed: 0, inFlight: 0 });
    const text = await crm(['replays', 'list']);
    expect(text.out).toContain(`${id}\t${SERVICE}\tcontact-card\tswap\tcompleted`);
  }, 120_000);

  it('refuses contradictory options with a message', async () => {
    const result = await crm(['replay', 'contact-card', '--until-time', 'yesterday']);
    expect(result.code).toBe(1);
    expect(result.err).toContain('--until-time: "yesterday" is not a date/time');
    const swap = await crm(['replay', 'contact-card', '--until-position', '5', '--no-progress']);
    expect(swap.code).toBe(1);
    expect(swap.err).toMatch(/dry-run.*snapshot/);
  });
});

describe('crm as-of and crm events', () => {
  let t: string;

  beforeAll(async () => {
    await new Promise((r) => setTimeout(r, 20));
    t = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 20));
    await appendCustomerEvents(store, [order('k1', 'late', 5000)]);
    await waitUntilConsumed(settings, 60_000);
  }, 60_000);

  it('shows a document as it stood at a time', async () => {
    const before = await crm(['as-of', 'contact-card', 'k1', '--at', t]);
    expect(before.code).toBe(0);
    expect(JSON.parse(before.out).document).toMatchObject({ _id: 'k1', orders: 1, revenueMinor: 101 });
    const now = await crm(['as-of', 'contact-card', 'k1', '--at', new Date().toISOString()]);
    expect(JSON.parse(now.out).document).toMatchObject({ orders: 2, revenueMinor: 5101, stage: 'repeat-customer' });
  });

  it('reads a stream and tails the log', async () => {
    const stream = await crm(['events', 'stream', 'customer-k1', '--json']);
    const lines = stream.out.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((e) => e.revision)).toEqual([0, 1, 2]);
    expect(lines[2]).toMatchObject({ type: 'crm.order.completed', data: { orderId: 'late' } });
    const tail = await crm(['events', 'tail', '--from-start', '--limit', '4', '--json']);
    expect(tail.out.trim().split('\n').map((l) => JSON.parse(l).streamId)).toEqual(['customer-k0', 'customer-k0', 'customer-k0', 'customer-k1']);
  });

  it('exports the log to NDJSON and imports it into an empty store only', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'crm-export-'));
    const file = path.join(dir, 'events.ndjson');
    const exported = await crm(['events', 'export', '--out', file]);
    expect(exported.code).toBe(0);
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    const original = await store.readAll({ maxCount: 100_000 });
    expect(lines.map((l) => JSON.parse(l).eventId)).toEqual(original.map((e) => e.eventId));

    const target = `${settings.eventStore.POSTGRES_SCHEMA}_copy`;
    extraSchemas.push(target);
    const imported = await crm(['events', 'import', file, '--batch-size', '50'], { POSTGRES_SCHEMA: target });
    expect(imported.out).toMatch(new RegExp(`imported ${original.length} events`));
    const copy = await PostgresEventStore.connect({ connectionString: settings.eventStore.POSTGRES_URL, schema: target });
    try {
      const restored = await copy.readAll({ maxCount: 100_000 });
      expect(restored.map((e) => [e.eventId, e.streamId, e.revision, e.type, e.data])).toEqual(original.map((e) => [e.eventId, e.streamId, e.revision, e.type, e.data]));
    } finally {
      await copy.close();
    }
    const again = await crm(['events', 'import', file], { POSTGRES_SCHEMA: target });
    expect(again.code).toBe(1);
    expect(again.err).toContain('not empty');

    const partial = path.join(dir, 'partial.ndjson');
    writeFileSync(partial, lines.slice(5).join('\n'));
    const fresh = `${settings.eventStore.POSTGRES_SCHEMA}_partial`;
    extraSchemas.push(fresh);
    const refused = await crm(['events', 'import', partial], { POSTGRES_SCHEMA: fresh });
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/expected 0/);
  }, 60_000);
});

describe('crm kafka replay', () => {
  it("re-delivers a time range to a new consumer group, leaving the services' groups alone", async () => {
    const topic = topicName(settings.kafka, Topics.customerEvents);
    const kafka = new Kafka({ brokers: settings.kafka.KAFKA_BROKERS, logLevel: logLevel.NOTHING });
    const kafkaAdmin = kafka.admin();
    await kafkaAdmin.connect();
    const serviceGroup = settings.kafka.KAFKA_CONSUMER_GROUP!;
    try {
      await waitUntilConsumed(settings, 60_000);
      const serviceOffsetsBefore = await kafkaAdmin.fetchOffsets({ groupId: serviceGroup, topics: [topic] });

      await new Promise((r) => setTimeout(r, 50));
      const from = new Date();
      const window = [registered('w1'), order('w1', 'w-1', 1), registered('w2')];
      await appendCustomerEvents(store, window);
      await waitUntilConsumed(settings, 60_000);
      await new Promise((r) => setTimeout(r, 50));
      const to = new Date();
      await appendCustomerEvents(store, [registered('after')]);
      await waitUntilConsumed(settings, 60_000);
      const serviceOffsetsAfterTraffic = await kafkaAdmin.fetchOffsets({ groupId: serviceGroup, topics: [topic] });

      const group = `${serviceGroup}-replay-${Date.now()}`;
      const prepared = await crm(['kafka', 'replay', '--group', group, '--from', from.toISOString(), '--to', to.toISOString()]);
      expect(prepared.code).toBe(0);
      const plan = JSON.parse(prepared.out) as { partitions: { partition: number; from: string; to: string }[]; messages: number; applied: boolean };
      expect(plan).toMatchObject({ messages: window.length, applied: true });

      // The integrator's consumer: the new group, stopping each partition at its "to" offset.
      const received: string[] = [];
      const consumer = kafka.consumer({ groupId: group });
      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: false });
      const remaining = new Set(plan.partitions.filter((p) => p.from !== p.to).map((p) => p.partition));
      await new Promise<void>((resolve, reject) => {
        if (remaining.size === 0) resolve();
        consumer
          .run({
            eachMessage: async ({ partition, message }) => {
              const stop = plan.partitions.find((p) => p.partition === partition)!.to;
              if (BigInt(message.offset) >= BigInt(stop)) return;
              received.push(JSON.parse(message.value!.toString()).id);
              if (BigInt(message.offset) + 1n >= BigInt(stop)) {
                remaining.delete(partition);
                if (remaining.size === 0) resolve();
              }
            },
          })
          .catch(reject);
      });
      await consumer.disconnect();
      expect(received.sort()).toEqual(window.map((e) => e.id).sort());

      // The running service's group is where its own consumption left it.
      expect(await kafkaAdmin.fetchOffsets({ groupId: serviceGroup, topics: [topic] })).toEqual(serviceOffsetsAfterTraffic);
      expect(serviceOffsetsAfterTraffic).not.toEqual(serviceOffsetsBefore);

      const again = await crm(['kafka', 'replay', '--group', group, '--from', from.toISOString()]);
      expect(again.code).toBe(1);
      expect(again.err).toContain('already has offsets');
      const serviceRefused = await crm(['kafka', 'replay', '--group', serviceGroup, '--from', from.toISOString()]);
      expect(serviceRefused.code).toBe(1);
      await kafkaAdmin.deleteGroups([group]).catch(() => undefined);
    } finally {
      await kafkaAdmin.disconnect();
    }
  }, 90_000);
});
