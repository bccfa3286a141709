import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit, type Provider } from '@nestjs/common';
import { createEventStore, type EventStore } from '@crm/event-store';
import { ReadinessRegistry } from '@crm/platform';
import { LOYALTY_SETTINGS, type LoyaltySettings } from '../loyalty.env';

export const EVENT_STORE = Symbol('EVENT_STORE');

/** The loyalty accounts live in the platform's event store, next to the customer streams ingest writes. */
export const eventStoreProvider: Provider = {
  provide: EVENT_STORE,
  inject: [LOYALTY_SETTINGS],
  useFactory: (settings: LoyaltySettings): Promise<EventStore> => createEventStore(settings.eventStore),
};

/** Registers the store's readiness check and closes it last, after the consumers have stopped. */
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
