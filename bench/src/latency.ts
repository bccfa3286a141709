/**
 * Fixed-rate phase. Open loop: request i is due at t0 + i/rate whatever happened to earlier ones,
 * and its latency is counted from that due time, so a stalled server shows up as latency instead
 * of silently lowering the offered rate (coordinated omission).
 *
 * Meanwhile a sample of events, each for a customer of its own (so it is that customer's only
 * event, revision 0), is followed until profile's GET /v1/customers/:id shows
 * `_metadata.revision >= the revision ingest returned`: the event → read-model visibility time.
 */
import http from 'node:http';
import { randomUUID } from 'node:crypto';
import { postEvent } from './platform-e2e';
import { progress } from './report';
import { httpGet } from './services';
import { summarize, type Summary } from './stats';
import { ingestRequest } from './workload';

export interface LatencyOptions {
  ingestPort: number;
  profilePort: number;
  rate: number;
  seconds: number;
  /** Keep-alive connections to ingest. */
  connections: number;
  customers: number;
  customerPrefix: string;
  samplePrefix: string;
  samples: number;
  pollMs: number;
  visibilityTimeoutMs: number;
}

export interface LatencyResult {
  offeredRate: number;
  sent: number;
  accepted: number;
  failed: number;
  achievedRate: number;
  /** From the due time (open-loop latency, includes any client-side dispatch lag). */
  ingestLatencyMs: Summary;
  /** From the moment the request was actually written (server + network only). */
  ingestServiceLatencyMs: Summary;
  maxDispatchLagMs: number;
  visibilityMs: Summary;
  visibilityTimedOut: number;
}

interface Sample {
  customerId: string;
  revision: number;
  acceptedAt: number;
  visibleAt?: number;
  inFlight: boolean;
  lastPolledAt: number;
}

const POLL_IN_FLIGHT = 8;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function runLatency(o: LatencyOptions): Promise<LatencyResult> {
  const total = Math.round(o.rate * o.seconds);
  const step = Math.max(1, Math.floor(total / o.samples));
  const intervalMs = 1_000 / o.rate;
  // A fixed pool of keep-alive connections (like wrk2): opening hundreds of sockets at once
  // overflows the listen backlog and turns into 1 s/3 s/7 s SYN retransmits, a client artefact.
  // Requests waiting for a free socket still count from their due time, so the queue is measured.
  const ingestAgent = new http.Agent({ keepAlive: true, maxSockets: o.connections });
  const profileAgent = new http.Agent({ keepAlive: true, maxSockets: POLL_IN_FLIGHT });

  const bodies = Array.from({ length: total }, (_, i) => {
    if (i % step === Math.floor(step / 2) && Math.floor(i / step) < o.samples) {
      const j = Math.floor(i / step);
      return JSON.stringify({ id: randomUUID(), type: 'crm.customer.registered', customerId: `${o.samplePrefix}${j}`, data: { email: `s${j}@bench.example` } });
    }
    return JSON.stringify(ingestRequest(o.customers + i, o.customerPrefix, o.customers));
  });

  const fromDue: number[] = [];
  const fromSend: number[] = [];
  const samples: Sample[] = [];
  let accepted = 0;
  let failed = 0;
  let completedRequests = 0;
  let maxDispatchLagMs = 0;

  const fire = async (i: number, due: number) => {
    const sentAt = performance.now();
    maxDispatchLagMs = Math.max(maxDispatchLagMs, sentAt - due);
    const res = await postEvent(o.ingestPort, bodies[i], ingestAgent);
    const end = performance.now();
    fromDue.push(end - due);
    fromSend.push(end - sentAt);
    completedRequests++;
    if (res.status !== 202) {
      failed++;
      return;
    }
    accepted++;
    const body = JSON.parse(res.body) as { customerId: string; revision: number };
    if (body.customerId.startsWith(o.samplePrefix)) samples.push({ customerId: body.customerId, revision: body.revision, acceptedAt: end, inFlight: false, lastPolledAt: 0 });
  };

  // Visibility poller: each waiting sample is polled at most every pollMs, with at most
  // POLL_IN_FLIGHT GETs outstanding in total (least recently polled first). Unbounded polling
  // floods profile with 404s when it lags, which slows the projection it is measuring.
  let pollerStop = false;
  let pollsInFlight = 0;
  const poller = (async () => {
    while (!pollerStop) {
      const now = performance.now();
      const due = samples
        .filter((s) => s.visibleAt === undefined && !s.inFlight && now - s.lastPolledAt >= o.pollMs)
        .sort((a, b) => a.lastPolledAt - b.lastPolledAt);
      for (const s of due) {
        if (pollsInFlight >= POLL_IN_FLIGHT) break;
        s.inFlight = true;
        s.lastPolledAt = now;
        pollsInFlight++;
        httpGet(o.profilePort, `/v1/customers/${encodeURIComponent(s.customerId)}`, profileAgent)
          .then((res) => {
            if (res.status !== 200) return;
            const doc = JSON.parse(res.body) as { _metadata?: { revision?: number } };
            if ((doc._metadata?.revision ?? -1) >= s.revision) s.visibleAt = performance.now();
          })
          .catch(() => undefined)
          .finally(() => {
            s.inFlight = false;
            pollsInFlight--;
          });
      }
      await sleep(1);
    }
  })();

  const bar = progress(`fixed ${o.rate}/s`, total);
  const visible = () => samples.filter((s) => s.visibleAt !== undefined).length;
  const ticker = setInterval(() => {
    const sorted = [...fromDue].sort((a, b) => a - b);
    const p99 = sorted.length ? sorted[Math.ceil(sorted.length * 0.99) - 1] : 0;
    bar.update(completedRequests, { sent: next, note: `| p99 ${p99.toFixed(1)} ms | visible ${visible()}/${samples.length}` });
  }, 250);

  const inflight: Promise<void>[] = [];
  const t0 = performance.now() + 20;
  let next = 0;
  // A 1 ms timer fires every request that has come due; late ticks catch up at once (open loop).
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      const now = performance.now();
      while (next < total && t0 + next * intervalMs <= now) {
        inflight.push(fire(next, t0 + next * intervalMs));
        next++;
      }
      if (next >= total) {
        clearInterval(timer);
        resolve();
      }
    }, 1);
  });
  await Promise.all(inflight);
  const elapsed = (performance.now() - t0) / 1_000;

  // Let the last samples become visible before judging.
  const deadline = performance.now() + o.visibilityTimeoutMs;
  while (visible() < samples.length && performance.now() < deadline) await sleep(20);
  pollerStop = true;
  await poller;
  clearInterval(ticker);
  bar.update(completedRequests, { sent: next, note: `| visible ${visible()}/${samples.length}` });
  bar.stop();
  ingestAgent.destroy();
  profileAgent.destroy();

  const visibility = samples.filter((s) => s.visibleAt !== undefined).map((s) => (s.visibleAt as number) - s.acceptedAt);
  return {
    offeredRate: o.rate,
    sent: total,
    accepted,
    failed,
    achievedRate: completedRequests / elapsed,
    ingestLatencyMs: summarize(fromDue),
    ingestServiceLatencyMs: summarize(fromSend),
    maxDispatchLagMs,
    visibilityMs: summarize(visibility),
    visibilityTimedOut: samples.length - visibility.length,
  };
}
