import { mongo } from 'mongoose';
import { Client } from 'pg';

/** What the fault suite counts after each fault, once the platform has caught up. */
export interface Ledger {
  /** Events ingest acknowledged (202) to the load driver. */
  readonly accepted: number;
  /** Customer events in the event store. */
  readonly stored: number;
  /** Accepted but not stored: must be 0. */
  readonly lostInStore: number;
  /** Stored but never acknowledged (an ack lost in a crash, then retried): harmless, reported. */
  readonly storedUnacknowledged: number;
  /** Customer events applied to the profile read model (its per-customer event count). */
  readonly projected: number;
  /** Stored but not applied: must be 0. */
  readonly lost: number;
  /** Applied more than once: must be 0. */
  readonly duplicated: number;
}

export async function storedCustomerEvents(postgresUrl: string, schema: string): Promise<Map<string, string[]>> {
  const pg = new Client({ connectionString: postgresUrl });
  await pg.connect();
  try {
    const { rows } = await pg.query<{ stream_id: string; event_id: string }>(
      `SELECT stream_id, event_id::text AS event_id FROM ${schema}.events WHERE stream_id LIKE 'customer-%' ORDER BY position`,
    );
    const streams = new Map<string, string[]>();
    for (const row of rows) streams.set(row.stream_id, [...(streams.get(row.stream_id) ?? []), row.event_id]);
    return streams;
  } finally {
    await pg.end();
  }
}

/** Per customer stream: how many of its events the profile read model has applied (its own count of applications). */
export async function projectedCustomerEvents(mongoUrl: string, db: string, collection: string): Promise<Map<string, number>> {
  const client = await mongo.MongoClient.connect(mongoUrl);
  try {
    const docs = await client.db(db).collection(collection).find({}, { projection: { eventCount: 1 } }).toArray();
    return new Map(docs.map((d) => [`customer-${String(d['_id'])}`, Number(d['eventCount'] ?? 0)]));
  } finally {
    await client.close();
  }
}

export function reconcile(accepted: ReadonlyMap<string, readonly string[]>, stored: ReadonlyMap<string, readonly string[]>, projected: ReadonlyMap<string, number>): Ledger {
  const storedIds = new Set([...stored.values()].flat());
  const acceptedIds = new Set([...accepted.values()].flat());
  let lost = 0;
  let duplicated = 0;
  for (const [stream, ids] of stored) {
    const applied = projected.get(stream) ?? 0;
    if (applied < ids.length) lost += ids.length - applied;
    if (applied > ids.length) duplicated += applied - ids.length;
  }
  return {
    accepted: acceptedIds.size,
    stored: storedIds.size,
    lostInStore: [...acceptedIds].filter((id) => !storedIds.has(id)).length,
    storedUnacknowledged: [...storedIds].filter((id) => !acceptedIds.has(id)).length,
    projected: [...projected.values()].reduce((a, b) => a + b, 0),
    lost,
    duplicated,
  };
}
