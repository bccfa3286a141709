import { Client } from 'pg';
import { PostgresEventStore } from '@crm/event-store';
import type { EventEnvelope } from '@crm/contracts';
import { derivedEventId, EventStoreDerivedEventSink } from './derived-events';

// Real PostgreSQL (infra/local/crm-infra up); the schema is unique to this run.
const connectionString = process.env['POSTGRES_URL'] ?? 'postgres://crm@127.0.0.1:55432/crm_test';
const schema = `it_derived_${Date.now()}${Math.floor(Math.random() * 1000)}`;
let store: PostgresEventStore;

beforeAll(async () => {
  store = await PostgresEventStore.connect({ connectionString, schema });
});

afterAll(async () => {
  await store.close();
  const pg = new Client({ connectionString });
  await pg.connect();
  await pg.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await pg.end();
});

const derived = (cause: string, n: number) => {
  const envelope: EventEnvelope = {
    id: derivedEventId('it', cause, n),
    type: 'crm.segment.entered',
    schemaVersion: 1,
    source: 'it',
    subject: 'c1',
    time: '2026-01-01T00:00:00.000Z',
    data: { n },
  };
  return { streamId: 'segment-membership-c1', envelope };
};

describe('EventStoreDerivedEventSink', () => {
  it('stores each derived event once however the batches that derive them are cut', async () => {
    const sink = new EventStoreDerivedEventSink(store);
    await sink.append([derived('e1', 0), derived('e2', 0)]);
    await sink.append([derived('e1', 0), derived('e2', 0)]); // the same batch refolded
    await sink.append([derived('e2', 0), derived('e3', 0), derived('e3', 1)]); // redelivered, cut differently
    const stream = await store.readStream('segment-membership-c1');
    expect(stream.map((e) => e.data['n'])).toEqual([0, 0, 0, 1]);
    expect(stream.map((e) => e.eventId)).toEqual([derivedEventId('it', 'e1', 0), derivedEventId('it', 'e2', 0), derivedEventId('it', 'e3', 0), derivedEventId('it', 'e3', 1)]);
  });

  it('names the same fact with the same id and different facts with different ids', () => {
    expect(derivedEventId('p', 'e', 1)).toBe(derivedEventId('p', 'e', 1));
    expect(derivedEventId('p', 'e1', 1)).not.toBe(derivedEventId('p', 'e', 11));
  });
});
