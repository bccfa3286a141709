import type { Schema } from 'mongoose';
import type { EventStoreEnv } from '@crm/event-store';
import type { KafkaEnv } from '@crm/messaging';
import type { DocumentProjection } from '../document-projection';
import type { MongoEnv } from '../mongo.env';
import type { ReplayHooks, ReplaySettings } from '../replay/replay-engine';

export interface ReadModelRegistration {
  /** Mongoose model name; controllers inject it with `@InjectModel(name)`. */
  readonly name: string;
  readonly schema: Schema;
  readonly projection: DocumentProjection<object>;
}

export interface ReadSideOptions {
  /** Service name: also the consumer group and the dead-letter topic's name. */
  readonly service: string;
  readonly kafka: KafkaEnv;
  readonly mongo: MongoEnv;
  readonly readModels: readonly ReadModelRegistration[];
  /** Topics to consume, unprefixed (default: `crm.customer-events.v1`). */
  readonly topics?: readonly string[];
  /**
   * The event store, for services that write events: projections that `derive` facts need it,
   * and the service can use `ReadSideService.eventStore` for its own appends.
   */
  readonly eventStore?: EventStoreEnv;
  /**
   * Replays and time travel (`/v1/admin/...`, scope `admin:replay`) read the event store, so they
   * need `eventStore`; without it they answer 503. Settings default to `DEFAULT_REPLAY_SETTINGS`.
   */
  readonly replay?: Partial<ReplaySettings> & { readonly hooks?: ReplayHooks };
}

export const READ_SIDE_OPTIONS = Symbol('READ_SIDE_OPTIONS');
