import { type DynamicModule, Module } from '@nestjs/common';
import { PlatformModule } from '@crm/platform';
import { eventAppenderProvider, EventStoreLifecycle, eventStoreProvider } from './events/event-store.provider';
import { EventsHttpController } from './events/events.http.controller';
import { RecordCustomerEventHandler } from './events/record-customer-event.handler';
import { IdentityIndexLifecycle, identityIndexProvider } from './identity/identity-index.provider';
import { INGEST_SETTINGS, SERVICE, type IngestSettings } from './ingest.env';
import { RelayService } from './relay/relay.service';
import { SchemasHttpController } from './schemas/schemas.http.controller';
import { KafkaIngestService } from './kafka-ingest/kafka-ingest.service';

const httpControllers = [EventsHttpController, SchemasHttpController];
const handlers = [RecordCustomerEventHandler];

@Module({})
export class IngestModule {
  static register(settings: IngestSettings): DynamicModule {
    return {
      module: IngestModule,
      imports: [PlatformModule.forRoot({ service: SERVICE, http: settings.http, auth: settings.auth })],
      controllers: httpControllers,
      providers: [{ provide: INGEST_SETTINGS, useValue: settings }, eventStoreProvider, eventAppenderProvider, EventStoreLifecycle, identityIndexProvider, IdentityIndexLifecycle, RelayService, ...handlers, KafkaIngestService],
    };
  }
}
