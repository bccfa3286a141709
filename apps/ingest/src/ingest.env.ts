import { Expose } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, IsString, Min, MinLength } from 'class-validator';
import { EventStoreEnv } from '@crm/event-store';
import { KafkaEnv } from '@crm/messaging';
import { AuthEnv, EnvBoolean, HttpEnv, loadEnv } from '@crm/platform';

export const SERVICE = 'ingest';

export class IngestEnv {
  /** Run the event store → Kafka relay in this process (one relay per deployment). */
  @Expose() @EnvBoolean() @IsBoolean()
  RELAY_ENABLED: boolean = true;

  /** Checkpoint name of the relay; change it only to republish the whole log. */
  @Expose() @IsString()
  RELAY_NAME: string = 'customer-events-relay';

  /** Most events accepted in one `POST /v1/events:batch` request. */
  @Expose() @IsInt() @Min(1)
  INGEST_BATCH_LIMIT: number = 1000;

  /** Most events one group commit writes in one transaction. */
  @Expose() @IsInt() @Min(1)
  INGEST_GROUP_COMMIT_MAX_BATCH: number = 500;

  /** Group-commit transactions in flight at once; requests arriving meanwhile form the next one. */
  @Expose() @IsInt() @Min(1)
  INGEST_GROUP_COMMIT_IN_FLIGHT: number = 2;

  /** How far in the future an event's `time` may be (clock skew allowance). */
  @Expose() @IsInt() @Min(0)
  INGEST_MAX_FUTURE_SKEW_MS: number = 300_000;

  /** Consume integrators' events from `crm.ingest.v1` in this process (dead letters to `crm.ingest.dlq.v1`). */
  @Expose() @EnvBoolean() @IsBoolean()
  INGEST_KAFKA_ENABLED: boolean = true;

  /**
   * Consumer group of the Kafka way in. Unset: `ingest` behind `KAFKA_TOPIC_PREFIX` (groups are
   * cluster-wide, so environments sharing a cluster by prefix do not share a group).
   */
  @Expose() @IsOptional() @IsString() @MinLength(1)
  INGEST_KAFKA_GROUP?: string;

  /** Connections of the identity index (PostgreSQL at `POSTGRES_URL`, schema `POSTGRES_SCHEMA`). */
  @Expose() @IsInt() @Min(1)
  INGEST_IDENTITY_POOL_SIZE: number = 5;
}

export interface IngestSettings {
  readonly http: HttpEnv;
  readonly auth: AuthEnv;
  readonly kafka: KafkaEnv;
  readonly eventStore: EventStoreEnv;
  readonly ingest: IngestEnv;
}

export const loadIngestSettings = (env: NodeJS.ProcessEnv = process.env): IngestSettings => ({
  http: loadEnv(HttpEnv, env, { PORT: '3001' }),
  auth: loadEnv(AuthEnv, env),
  kafka: loadEnv(KafkaEnv, env),
  eventStore: loadEnv(EventStoreEnv, env),
  ingest: loadEnv(IngestEnv, env),
});

export const INGEST_SETTINGS = Symbol('INGEST_SETTINGS');
