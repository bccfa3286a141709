import { Expose } from 'class-transformer';
import { IsBoolean, IsInt, IsOptional, IsString, Max, Min, MinLength } from 'class-validator';
import { EventStoreEnv } from '@crm/event-store';
import { KafkaEnv } from '@crm/messaging';
import { AuthEnv, EnvBoolean, HttpEnv, loadEnv } from '@crm/platform';
import { MongoEnv } from '@crm/projections';

export const SERVICE = 'loyalty';

/** The loyalty service's own settings (the event store, Kafka, MongoDB and HTTP ones are shared). */
export class LoyaltyEnv {
  /** A JSON file with the loyalty program (see README "Loyalty"); unset: the default program. */
  @Expose() @IsOptional() @IsString() @MinLength(1)
  LOYALTY_PROGRAM_FILE?: string;

  /** Turn customer events (orders, refunds, merges, earn rules) into account commands in this process. */
  @Expose() @EnvBoolean() @IsBoolean()
  LOYALTY_COMMANDS_ENABLED: boolean = true;

  /** Consumer group of the command side; unset: `KAFKA_CONSUMER_GROUP` (or `loyalty`) + `-commands`. */
  @Expose() @IsOptional() @IsString() @MinLength(1)
  LOYALTY_COMMANDS_GROUP?: string;

  /** How often expiry, tier re-evaluation and the reward-stock sweep run; 0: never on a schedule. */
  @Expose() @IsInt() @Min(0)
  LOYALTY_MAINTENANCE_INTERVAL_MS: number = 60_000;

  /** A reward-stock reservation not confirmed after this long is checked against its account and released or confirmed. */
  @Expose() @IsInt() @Min(1_000)
  LOYALTY_RESERVATION_TIMEOUT_MS: number = 300_000;

  /** Accounts kept in memory (state and revision) so a command reads only the events appended since. */
  @Expose() @IsInt() @Min(0) @Max(1_000_000)
  LOYALTY_ACCOUNT_CACHE_SIZE: number = 10_000;

  /** Attempts of one command when other writers keep changing the account under it. */
  @Expose() @IsInt() @Min(1) @Max(100)
  LOYALTY_COMMAND_ATTEMPTS: number = 20;
}

export interface LoyaltySettings {
  readonly http: HttpEnv;
  readonly auth: AuthEnv;
  readonly kafka: KafkaEnv;
  readonly mongo: MongoEnv;
  readonly eventStore: EventStoreEnv;
  readonly loyalty: LoyaltyEnv;
}

export const loadLoyaltySettings = (env: NodeJS.ProcessEnv = process.env): LoyaltySettings => ({
  http: loadEnv(HttpEnv, env, { PORT: '3004' }),
  auth: loadEnv(AuthEnv, env),
  kafka: loadEnv(KafkaEnv, env),
  mongo: loadEnv(MongoEnv, env, { MONGODB_DB: SERVICE }),
  eventStore: loadEnv(EventStoreEnv, env),
  loyalty: loadEnv(LoyaltyEnv, env),
});

export const LOYALTY_SETTINGS = Symbol('LOYALTY_SETTINGS');
