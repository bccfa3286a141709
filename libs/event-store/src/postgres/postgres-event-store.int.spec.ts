import { Client } from 'pg';
import type { StoredEvent, Subscription } from '../event-store.port';
import { describeEventStoreContract, event, streamName } from '../testing/event-store.contract';
import { PostgresEventStore } from './postgres-event-store';

const connectionString = process.env['POSTGRES_URL'] ?? 'postgres://crm@127.0.0.1:55432/crm_test';
const schema = 'event_store_test';

describeEventStoreContract('PostgreSQL', () => PostgresEventStore.connect({ connectionString, schema }));

describe('PostgresEventStore specifics', () => {
  let store: PostgresEventStore;
  let raw: Client;
  let subscription: Subscription | undefined;

  beforeAll(async () => {
    store = await PostgresEventStore.connect({ connectionString, schema });
    raw = new Client({ connectionString });
    await raw.connect();
  });
  afterEach(async () => {
    await raw.query('ROLLBACK').catch(() => undefined);
    await subscription?.stop();
    subscription = undefined;
  });
  afterAll(async () => {
    await raw.end();
    await store.close();
  });

  it('runs the migration again without harm', async () => {
    await Promise.all([store.migrate(), store.migrate()]);
    await store.appendToStream(streamName('customer'), [event('A')]);
  });

  it('never delivers an event past one whose transaction is still open (gap safety)', async () => {
    const stream = streamName('customer');
    const marker = await store.appendToStream(stream, [event('Marker')]);
    const received: StoredEvent[] = [];
    subscription = store.subscribeToAll({ fromPosition: marker.positions[0] }, async (batch) => {
      received.push(...batch);
    });

    // Transaction 1 takes the lower position but stays open...
    const slow = event('Slow');
    await raw.query('BEGIN');
    const open = await raw.query<{ positions: string[] }>(
      `SELECT positions FROM ${schema}.append_to_stream($1, $2, 'any', NULL)`,
      [streamName('customer'), JSON.stringify([slow])],
    );
    const slowPosition = BigInt(open.rows[0].positions[0]);

    // ...while transaction 2 takes a higher one and commits.
    const fast = await store.appendToStream(stream, [event('Fast')]);
    expect(fast.positions[0] > slowPosition).toBe(true);

    await sleep(400); // several fast polls and the commit notification
    expect(received.map((e) => e.type)).not.toContain('Fast');
    const readAll = await store.readAll({ fromPosition: marker.positions[0] });
    expect(readAll.map((e) => e.type)).not.toContain('Fast');
    expect(readAll.every((e) => e.position < slowPosition)).toBe(true);

    await raw.query('COMMIT');
    await waitUntil(() => received.some((e) => e.type === 'Fast'));
    const ours = received.filter((e) => e.type === 'Slow' || e.type === 'Fast');
    expect(ours.map((e) => [e.type, e.position])).toEqual([
      ['Slow', slowPosition],
      ['Fast', fast.positions[0]],
    ]);
    const positions = received.map((e) => e.position);
    expect([...positions].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))).toEqual(positions);
    expect(new Set(positions).size).toBe(positions.length);
  });

  it('delivers once the open transaction aborts instead (fallback poll)', async () => {
    const stream = streamName('customer');
    const marker = await store.appendToStream(stream, [event('Marker')]);
    const received: StoredEvent[] = [];
    subscription = store.subscribeToAll({ fromPosition: marker.positions[0] }, async (batch) => {
      received.push(...batch);
    });
    await raw.query('BEGIN');
    await raw.query(`SELECT ${schema}.append_to_stream($1, $2, 'any', NULL)`, [
      streamName('customer'),
      JSON.stringify([event('Doomed')]),
    ]);
    await store.appendToStream(stream, [event('Survivor')]);
    await raw.query('ROLLBACK'); // no notification for this one
    await waitUntil(() => received.some((e) => e.type === 'Survivor'));
    expect(received.map((e) => e.type)).not.toContain('Doomed');
  });

  it('refuses to append inside a transaction that already wrote (the ordering would break)', async () => {
    await raw.query('BEGIN');
    await raw.query(`SELECT ${schema}.append_to_stream($1, $2, 'any', NULL)`, [streamName('c'), JSON.stringify([event('A')])]);
    await expect(
      raw.query(`SELECT ${schema}.append_to_stream($1, $2, 'any', NULL)`, [streamName('c'), JSON.stringify([event('B')])]),
    ).rejects.toMatchObject({ code: 'ESTXN' });
  });

  it('delivers a committed event to a live subscriber quickly', async () => {
    const stream = streamName('customer');
    const marker = await store.appendToStream(stream, [event('Marker')]);
    let deliveredAt = 0;
    subscription = store.subscribeToAll({ fromPosition: marker.positions[0] }, async (batch) => {
      if (batch.some((e) => e.streamId === stream)) deliveredAt = Date.now();
    });
    await sleep(300); // caught up and listening
    const appendedAt = Date.now();
    await store.appendToStream(stream, [event('Ping')]);
    await waitUntil(() => deliveredAt > 0);
    const latency = deliveredAt - appendedAt;
    console.log(`append-to-handler latency: ${latency} ms`);
    expect(latency).toBeLessThan(250); // target is well under 100 ms; slack for a busy CI box
  });

  it('keeps delivering after its LISTEN connection is killed', async () => {
    const stream = streamName('customer');
    const marker = await store.appendToStream(stream, [event('Marker')]);
    const received: StoredEvent[] = [];
    const errors: Error[] = [];
    subscription = store.subscribeToAll(
      { fromPosition: marker.positions[0] },
      async (batch) => {
        received.push(...batch);
      },
      (err) => errors.push(err),
    );
    await sleep(300);
    await raw.query(
      `SELECT pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE application_name = 'crm-event-store-listener' AND pid <> pg_backend_pid() AND datname = current_database()`,
    );
    await store.appendToStream(stream, [event('AfterKill')]);
    await waitUntil(() => received.some((e) => e.type === 'AfterKill'));
    await waitUntil(() => errors.length > 0);
  });
});

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function waitUntil(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(10);
  }
}
