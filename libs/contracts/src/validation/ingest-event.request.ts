import {
  IsIn,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  MaxLength,
} from 'class-validator';
import { CUSTOMER_EVENT_TYPES } from '../events/event-catalogue';

/** What an integrator sends: an event about one customer. Ingest completes it into an envelope. */
export class IngestEventRequest {
  /** Optional client-chosen id; resending the same id stores nothing new. */
  @IsOptional()
  @IsUUID()
  id?: string;

  @IsString()
  @IsIn(CUSTOMER_EVENT_TYPES as string[], { message: `type must be one of: ${CUSTOMER_EVENT_TYPES.join(', ')}` })
  type!: string;

  @IsString()
  @Length(1, 64)
  @Matches(/^[A-Za-z0-9][A-Za-z0-9_.:@-]*$/, {
    message: 'customerId may contain letters, digits and _ . : @ - and must start with a letter or digit',
  })
  customerId!: string;

  @IsOptional()
  @IsISO8601({ strict: true })
  time?: string;

  @IsOptional()
  @IsString()
  @Length(1, 128)
  source?: string;

  @IsOptional()
  @IsString()
  @MaxLength(128)
  correlationId?: string;

  @IsOptional()
  @IsString()
  @MaxLength(128)
  causationId?: string;

  @IsObject()
  data!: Record<string, unknown>;
}
