import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit, type Provider } from '@nestjs/common';
import { ReadinessRegistry } from '@crm/platform';
import { EVENT_STORE } from '../events/event-store.provider';
import { INGEST_SETTINGS, type IngestSettings } from '../ingest.env';
import { IDENTITY_INDEX, type IdentityIndex } from './identity';
import { PostgresIdentityIndex } from './postgres-identity-index';

/**
 * The identity index lives in PostgreSQL at `POSTGRES_URL`, schema `POSTGRES_SCHEMA` (next to the
 * PostgreSQL event store; with EventStoreDB as the store, PostgreSQL still holds the index).
 * Created after the event store, so the two migrations never race to create the schema.
 */
export const identityIndexProvider: Provider = {
  provide: IDENTITY_INDEX,
  inject: [INGEST_SETTINGS, EVENT_STORE],
  useFactory: (settings: IngestSettings): Promise<IdentityIndex> =>
    PostgresIdentityIndex.connect({
      connectionString: settings.eventStore.POSTGRES_URL,
      schema: settings.eventStore.POSTGRES_SCHEMA,
      poolSize: settings.ingest.INGEST_IDENTITY_POOL_SIZE,
    }),
};

@Injectable()
export class IdentityIndexLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(IDENTITY_INDEX) private readonly index: IdentityIndex,
    private readonly readiness: ReadinessRegistry,
  ) {}

  onModuleInit(): void {
    this.readiness.register({ name: 'identity-index', check: () => this.index.ping() });
  }

  onApplicationShutdown(): Promise<void> {
    return this.index.close();
  }
}
