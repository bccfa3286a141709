import { type DynamicModule, Module } from '@nestjs/common';
import { Topics } from '@crm/contracts';
import { EventStoreEnv } from '@crm/event-store';
import { KafkaEnv } from '@crm/messaging';
import { AuthEnv, HttpEnv, loadEnv, PlatformModule } from '@crm/platform';
import { MongoEnv } from '../../mongo.env';
import { ReadSideModule } from '../../nest/read-side.module';
import type { ReadSideOptions } from '../../nest/read-side.options';
import { ReadSideService } from '../../nest/read-side.service';
import { contactCardReadModel } from './contact-card.read-model';

/**
 * A complete read side on the real servers, for replay tests: the contact-card read model in a
 * service of its own (isolated database, topic prefix, consumer group and event-store schema),
 * fed the way production is fed — events appended to PostgreSQL, relayed to Kafka, consumed.
 */
export interface ReplayTestSettings {
  readonly service: string;
  readonly http: HttpEnv;
  readonly auth: AuthEnv;
  readonly kafka: KafkaEnv;
  readonly mongo: MongoEnv;
  readonly eventStore: EventStoreEnv;
}

export const loadReplayTestSettings = (env: NodeJS.ProcessEnv, service = 'replaytest'): ReplayTestSettings => ({
  service,
  http: loadEnv(HttpEnv, env, { PORT: '3999' }),
  auth: loadEnv(AuthEnv, env),
  kafka: loadEnv(KafkaEnv, env),
  mongo: loadEnv(MongoEnv, env, { MONGODB_DB: service }),
  eventStore: loadEnv(EventStoreEnv, env),
});

/** The topics the contact card folds: customer events, and the lifecycle facts it derives itself. */
export const CONTACT_CARD_TOPICS = [Topics.customerEvents, Topics.lifecycleStages];

@Module({})
export class ContactCardServiceModule {
  static register(
    settings: ReplayTestSettings,
    overrides: Partial<Pick<ReadSideOptions, 'replay' | 'eventStore' | 'readModels'>> & { withoutEventStore?: boolean } = {},
  ): DynamicModule {
    const eventStore = overrides.withoutEventStore ? undefined : (overrides.eventStore ?? settings.eventStore);
    return {
      module: ContactCardServiceModule,
      imports: [
        PlatformModule.forRoot({ service: settings.service, http: settings.http, auth: settings.auth }),
        ReadSideModule.forRoot({
          service: settings.service,
          kafka: settings.kafka,
          mongo: settings.mongo,
          readModels: overrides.readModels ?? [contactCardReadModel],
          topics: CONTACT_CARD_TOPICS,
          ...(eventStore ? { eventStore } : {}),
          ...(overrides.replay ? { replay: overrides.replay } : {}),
        }),
      ],
    };
  }
}

/** Read sides connect to the event store in the background; replays need it. */
export async function waitForEventStore(app: { get<T>(token: unknown): T }, timeoutMs = 20_000): Promise<void> {
  const readSide = app.get<ReadSideService>(ReadSideService);
  const deadline = Date.now() + timeoutMs;
  while (!readSide.eventStore) {
    if (Date.now() > deadline) throw new Error('the read side did not connect to the event store');
    await new Promise((r) => setTimeout(r, 50));
  }
}

