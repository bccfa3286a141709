import type { EventStore } from '../event-store.port';
import { EventStoreDbEventStore } from '../eventstoredb/eventstoredb-event-store';
import { PostgresEventStore } from '../postgres/postgres-event-store';
import type { EventStoreEnv } from './event-store.env';

/** The adapter the settings name, connected and migrated. */
export async function createEventStore(env: EventStoreEnv): Promise<EventStore> {
  switch (env.EVENT_STORE) {
    case 'postgres':
      return PostgresEventStore.connect({ connectionString: env.POSTGRES_URL, poolSize: env.POSTGRES_POOL_SIZE, schema: env.POSTGRES_SCHEMA });
    case 'eventstoredb':
      return EventStoreDbEventStore.connect({ connectionString: env.EVENTSTORE_URL ?? '' });
  }
}
