/**
 * Raw baseline: the same broker and the same MongoDB-wire server driven directly with kafkajs and
 * the MongoDB driver, no platform code. It is the ceiling the platform path is compared against
 * (e2e/raw ratio), which keeps the comparison meaningful across machines.
 *
 * Pipeline: produce N envelope-shaped messages (keyed by customer, acks=-1, batches) to a fresh
 * 3-partition topic → one consumer group with eachBatch → one unordered bulkWrite of per-customer
 * upserts ($inc counters) per batch. Clock: first produce → last message applied.
 */
import { Kafka, logLevel, Partitioners, type Message } from 'kafkajs';
import mongoose from 'mongoose';
import { progress } from './report';
import { kafkaMessage } from './workload';

export interface RawOptions {
  brokers: string[];
  mongoUrl: string;
  topic: string;
  groupId: string;
  dbName: string;
  events: number;
  customers: number;
  batchSize: number;
  /** Produce requests in flight at once. */
  inFlight: number;
}

export interface RawResult {
  events: number;
  seconds: number;
  eventsPerSecond: number;
  produceSeconds: number;
  batchesApplied: number;
  readModelEventCount: number;
}

interface Counters {
  eventCount: number;
  orders: number;
  revenue: number;
  revision: number;
}

export async function runRawBaseline(o: RawOptions): Promise<RawResult> {
  const kafka = new Kafka({ clientId: 'bench-raw', brokers: o.brokers, logLevel: logLevel.ERROR });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: o.topic, numPartitions: 3, replicationFactor: 1 }], waitForLeaders: true });
  await admin.disconnect();

  const mongo = new mongoose.mongo.MongoClient(o.mongoUrl, { maxPoolSize: 10 });
  await mongo.connect();
  const collection = mongo.db(o.dbName).collection<{ _id: string }>('customer_profiles');

  // Built before the clock starts: generating JSON is the load generator's cost, not the pipeline's.
  const now = new Date().toISOString();
  const messages: Message[] = Array.from({ length: o.events }, (_, i) => kafkaMessage(i, 'raw-c-', o.customers, now));

  let applied = 0;
  let batchesApplied = 0;
  let finished: () => void = () => undefined;
  const allApplied = new Promise<void>((resolve) => (finished = resolve));

  const consumer = kafka.consumer({ groupId: o.groupId, maxWaitTimeInMs: 100, maxBytesPerPartition: 4 * 1024 * 1024 });
  const joined = new Promise<void>((resolve) => consumer.on(consumer.events.GROUP_JOIN, () => resolve()));
  await consumer.connect();
  await consumer.subscribe({ topic: o.topic, fromBeginning: true });
  await consumer.run({
    partitionsConsumedConcurrently: 3,
    eachBatch: async ({ batch }) => {
      // Fold the batch per customer first: one upsert per customer, like the platform's projection.
      const perCustomer = new Map<string, Counters>();
      for (const m of batch.messages) {
        const key = m.key?.toString() ?? '';
        const envelope = JSON.parse(m.value?.toString() ?? '{}') as { type: string; data: { totalMinor?: number } };
        const c = perCustomer.get(key) ?? { eventCount: 0, orders: 0, revenue: 0, revision: -1 };
        c.eventCount++;
        if (envelope.type === 'crm.order.completed') {
          c.orders++;
          c.revenue += envelope.data.totalMinor ?? 0;
        }
        c.revision = Math.max(c.revision, Number(m.headers?.['crm-stream-revision']?.toString() ?? -1));
        perCustomer.set(key, c);
      }
      await collection.bulkWrite(
        [...perCustomer].map(([id, c]) => ({
          updateOne: {
            filter: { _id: id },
            update: {
              $inc: { eventCount: c.eventCount, orders: c.orders, 'revenueMinorByCurrency.EUR': c.revenue },
              $max: { '_metadata.revision': c.revision },
            },
            upsert: true,
          },
        })),
        { ordered: false },
      );
      applied += batch.messages.length;
      batchesApplied++;
      if (applied >= o.events) finished();
    },
  });
  await joined;

  const bar = progress('raw kafkajs+mongo', o.events);
  let sent = 0;
  const ticker = setInterval(() => bar.update(applied, { sent }), 200);
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, allowAutoTopicCreation: false });
  await producer.connect();

  const started = performance.now();
  let next = 0;
  const produceWorker = async () => {
    while (next < messages.length) {
      const chunk = messages.slice(next, (next += o.batchSize));
      await producer.send({ topic: o.topic, acks: -1, messages: chunk });
      sent += chunk.length;
    }
  };
  await Promise.all(Array.from({ length: o.inFlight }, produceWorker));
  const produceSeconds = (performance.now() - started) / 1_000;
  await allApplied;
  const seconds = (performance.now() - started) / 1_000;
  clearInterval(ticker);
  bar.update(applied, { sent });
  bar.stop();

  const [agg] = await collection.aggregate<{ n: number }>([{ $group: { _id: null, n: { $sum: '$eventCount' } } }]).toArray();
  await producer.disconnect();
  await consumer.disconnect();
  await mongo.close();
  return {
    events: o.events,
    seconds,
    eventsPerSecond: o.events / seconds,
    produceSeconds,
    batchesApplied,
    readModelEventCount: agg?.n ?? 0,
  };
}
