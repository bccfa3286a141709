import type { Schema } from 'mongoose';
import type { KafkaEnv } from '@crm/messaging';
import type { DocumentProjection } from '../document-projection';
import type { MongoEnv } from '../mongo.env';

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
}

export const READ_SIDE_OPTIONS = Symbol('READ_SIDE_OPTIONS');
