/**
 * The Kafka way in: N events published to `crm.ingest.v1` (as integrators do, keyed by customer,
 * acks from all replicas), the clock stopping when ingest's own counter says every one of them was
 * stored. Same event shapes as the HTTP phases.
 */
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { progress } from './report';
import { httpGet, promCounter } from './services';
import { ingestRequest } from './workload';

export interface KafkaIngestOptions {
  brokers: string[];
  topic: string;
  ingestPort: number;
  events: number;
  customers: number;
  customerPrefix: string;
  stallTimeoutMs: number;
}

export interface KafkaIngestResult {
  events: number;
  stored: number;
  seconds: number;
  eventsPerSecond: number;
  completed: boolean;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Events the ingest consumer has taken in (stored, duplicate or dead-lettered). */
async function consumed(ingestPort: number): Promise<number> {
  return promCounter((await httpGet(ingestPort, '/metrics')).body, 'ingest_kafka_events_total');
}

export async function runKafkaIngest(o: KafkaIngestOptions): Promise<KafkaIngestResult> {
  const kafka = new Kafka({ brokers: o.brokers, clientId: 'bench-kafka-ingest', logLevel: logLevel.NOTHING });
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  const baseline = await consumed(o.ingestPort);
  const messages = Array.from({ length: o.events }, (_, i) => {
    const request = ingestRequest(i, o.customerPrefix, o.customers);
    return { key: request.customerId, value: JSON.stringify(request) };
  });

  const bar = progress('kafka ingest', o.events);
  const started = performance.now();
  const chunk = 1_000;
  for (let i = 0; i < messages.length; i += chunk) {
    await producer.send({ topic: o.topic, acks: -1, messages: messages.slice(i, i + chunk) });
  }
  await producer.disconnect();

  let done = 0;
  let last = -1;
  let lastProgress = performance.now();
  let completed = false;
  for (;;) {
    done = (await consumed(o.ingestPort).catch(() => done + baseline)) - baseline;
    bar.update(Math.min(done, o.events), { sent: o.events });
    if (done >= o.events) {
      completed = true;
      break;
    }
    if (done !== last) {
      last = done;
      lastProgress = performance.now();
    } else if (performance.now() - lastProgress > o.stallTimeoutMs) break;
    await sleep(100);
  }
  const seconds = (performance.now() - started) / 1_000;
  bar.stop();
  return { events: o.events, stored: done, seconds, eventsPerSecond: done / seconds, completed };
}
