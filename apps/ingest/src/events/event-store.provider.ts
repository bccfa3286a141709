import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit, type Provider } from '@nestjs/common';
import { createEventStore, GroupCommitAppender, type EventStore } from '@crm/event-store';
import { ReadinessRegistry } from '@crm/platform';
import { INGEST_SETTINGS, type IngestSettings } from '../ingest.env';

export const EVENT_STORE = Symbol('EVENT_STORE');

export const eventStoreProvider: Provider = {
  provide: EVENT_STORE,
  inject: [INGEST_SETTINGS],
  useFactory: (settings: IngestSettings): Promise<EventStore> => createEventStore(settings.eventStore),
};

export const EVENT_APPENDER = Symbol('EVENT_APPENDER');

/** Concurrent requests share transactions: see GroupCommitAppender. */
export const eventAppenderProvider: Provider = {
  provide: EVENT_APPENDER,
  inject: [EVENT_STORE, INGEST_SETTINGS],
  useFactory: (store: EventStore, settings: IngestSettings): GroupCommitAppender =>
    new GroupCommitAppender(store, {
      maxBatch: settings.ingest.INGEST_GROUP_COMMIT_MAX_BATCH,
      maxInFlight: settings.ingest.INGEST_GROUP_COMMIT_IN_FLIGHT,
    }),
};

/** Registers the store's readiness check and closes it last, after the relay has stopped. */
@Injectable()
export class EventStoreLifecycle implements OnModuleInit, OnApplicationShutdown {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly readiness: ReadinessRegistry,
  ) {}

  onModuleInit(): void {
    this.readiness.register({ name: 'event-store', check: () => this.store.ping() });
  }

  onApplicationShutdown(): Promise<void> {
    return this.store.close();
  }
}
