/**
 * Platform end to end: N events POSTed to ingest (closed loop, fixed concurrency, keep-alive; one
 * event per request, or batches to /v1/events:batch as integrators with volume send them),
 * stored in PostgreSQL, relayed to Kafka, projected by profile into MongoDB. The clock runs from
 * the first request until the read model itself (sum of `eventCount` over `customer_profiles`)
 * accounts for every accepted event — profile's /metrics only drives the progress bar.
 */
import http from 'node:http';
import mongoose from 'mongoose';
import { progress } from './report';
import { httpGet, httpPostJson, promCounter } from './services';
import { summarize, type Summary } from './stats';
import { ingestRequest } from './workload';

export interface E2eOptions {
  ingestPort: number;
  profilePort: number;
  mongoUrl: string;
  dbName: string;
  events: number;
  customers: number;
  customerPrefix: string;
  concurrency: number;
  /** Events per request: 1 posts to /v1/events, more posts `{ events: [...] }` to /v1/events:batch. */
  batchSize: number;
  /** Give up waiting for the read model after this long without progress. */
  stallTimeoutMs: number;
}

export interface E2eResult {
  events: number;
  accepted: number;
  failed: number;
  seconds: number;
  eventsPerSecond: number;
  ingestSeconds: number;
  ingestEventsPerSecond: number;
  /** Time from the last 202 until the read model had everything. */
  drainSeconds: number;
  readModelEventCount: number;
  completed: boolean;
  requestLatencyMs: Summary;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** POST with a few retries on transport errors/5xx; the event id makes retries idempotent. */
export async function postEvent(port: number, body: string, agent: http.Agent, path = '/v1/events'): Promise<{ status: number; body: string }> {
  let last: { status: number; body: string } = { status: 0, body: '' };
  for (let attempt = 0; attempt < 3; attempt++) {
    last = await httpPostJson(port, path, body, agent).catch((e: Error) => ({ status: 0, body: e.message }));
    if (last.status !== 0 && last.status < 500) return last;
    await sleep(50 * (attempt + 1));
  }
  return last;
}

export async function runPlatformE2e(o: E2eOptions): Promise<E2eResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: o.concurrency });
  const mongo = new mongoose.mongo.MongoClient(o.mongoUrl, { maxPoolSize: 2 });
  await mongo.connect();
  const profiles = mongo.db(o.dbName).collection('customer_profiles');
  const readModelCount = async () =>
    (await profiles.aggregate<{ n: number }>([{ $group: { _id: null, n: { $sum: '$eventCount' } } }]).toArray())[0]?.n ?? 0;
  const projected = async () => promCounter((await httpGet(o.profilePort, '/metrics')).body, 'projection_events_total');

  const requests = Array.from({ length: o.events }, (_, i) => ingestRequest(i, o.customerPrefix, o.customers));
  const batch = Math.max(1, o.batchSize);
  const path = batch > 1 ? '/v1/events:batch' : '/v1/events';
  const bodies: { body: string; count: number }[] = [];
  for (let i = 0; i < requests.length; i += batch) {
    const chunk = requests.slice(i, i + batch);
    bodies.push({ body: JSON.stringify(batch > 1 ? { events: chunk } : chunk[0]), count: chunk.length });
  }
  const baseline = await projected().catch(() => 0); // profile may already have counted events of this topic
  const modelBaseline = await readModelCount(); // earlier phases' events in the same read model
  const latencies: number[] = [];
  let accepted = 0;
  let failed = 0;
  let firstFailure = '';
  let applied = 0;

  const bar = progress('platform e2e', o.events);
  let postingDone = false;
  let tickerStop = false;
  const ticker = (async () => {
    while (!tickerStop) {
      applied = (await projected().catch(() => applied + baseline)) - baseline;
      bar.update(Math.min(applied, o.events), { sent: accepted + failed, note: postingDone ? '(draining)' : '' });
      await sleep(200);
    }
  })();

  const started = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < bodies.length) {
      const { body, count } = bodies[next++];
      const t0 = performance.now();
      const res = await postEvent(o.ingestPort, body, agent, path);
      latencies.push(performance.now() - t0);
      if (res.status === 202) {
        const stored = batch > 1 ? (JSON.parse(res.body) as { accepted: number }).accepted : 1;
        accepted += stored;
        failed += count - stored;
      } else {
        failed += count;
        firstFailure ||= `${res.status} ${res.body.slice(0, 200)}`;
      }
    }
  };
  await Promise.all(Array.from({ length: o.concurrency }, worker));
  const ingestSeconds = (performance.now() - started) / 1_000;
  const ingestDone = performance.now();
  postingDone = true;
  if (failed > 0) process.stdout.write(`\n  ${failed} request(s) failed, first: ${firstFailure}\n`);

  // The honest check: the read model itself, polled until it holds every accepted event.
  let count = 0;
  let lastProgress = performance.now();
  let lastCount = -1;
  let completed = false;
  for (;;) {
    count = (await readModelCount()) - modelBaseline;
    if (count >= accepted) {
      completed = true;
      break;
    }
    if (count !== lastCount) {
      lastCount = count;
      lastProgress = performance.now();
    } else if (performance.now() - lastProgress > o.stallTimeoutMs) break;
    await sleep(100);
  }
  const seconds = (performance.now() - started) / 1_000;
  const drainSeconds = (performance.now() - ingestDone) / 1_000;
  tickerStop = true;
  await ticker;
  bar.update(Math.min(count, o.events), { sent: accepted + failed, note: completed ? '' : '(STALLED)' });
  bar.stop();
  agent.destroy();
  await mongo.close();
  return {
    events: o.events,
    accepted,
    failed,
    seconds,
    eventsPerSecond: count / seconds,
    ingestSeconds,
    ingestEventsPerSecond: accepted / ingestSeconds,
    drainSeconds,
    readModelEventCount: count,
    completed,
    requestLatencyMs: summarize(latencies),
  };
}
