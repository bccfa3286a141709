import { Expose } from 'class-transformer';
import { IsIn, IsInt, IsString, Matches, Min, ValidateIf } from 'class-validator';

export const EVENT_STORE_KINDS = ['postgres', 'eventstoredb'] as const;
export type EventStoreKind = (typeof EVENT_STORE_KINDS)[number];

/** Which event store a writing service uses, and where it is. */
export class EventStoreEnv {
  @Expose() @IsIn(EVENT_STORE_KINDS)
  EVENT_STORE: EventStoreKind = 'postgres';

  @Expose() @ValidateIf((o: EventStoreEnv) => o.EVENT_STORE === 'postgres')
  @IsString() @Matches(/^postgres(ql)?:\/\//, { message: 'POSTGRES_URL must be a postgres:// URL' })
  POSTGRES_URL: string = 'postgres://crm@127.0.0.1:55432/crm_events';

  /** Schema holding the event tables; separate schemas give isolated logs in one database. */
  @Expose() @IsString() @Matches(/^[a-z_][a-z0-9_]{0,40}$/, { message: "POSTGRES_SCHEMA must be a lower-case identifier of at most 41 characters" })
  POSTGRES_SCHEMA: string = 'event_store';

  @Expose() @IsInt() @Min(1)
  POSTGRES_POOL_SIZE: number = 20;

  @Expose() @ValidateIf((o: EventStoreEnv) => o.EVENT_STORE === 'eventstoredb')
  @IsString() @Matches(/^(esdb|kurrentdb|kdb)(\+discover)?:\/\//, { message: 'EVENTSTORE_URL must be an esdb:// connection string' })
  EVENTSTORE_URL?: string;
}
