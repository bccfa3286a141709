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
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { CUSTOMER_EVENT_TYPES } from '../events/event-catalogue';
import { IDENTITY_KINDS, type IdentityKind } from '../events/identity-linked.event';
import { NestedType } from './nested-type';

/** An identifier that names the customer instead of `customerId`; ingest resolves it to one customer id. */
export class EventIdentity {
  @IsIn(IDENTITY_KINDS)
  kind!: IdentityKind;

  @IsString()
  @Length(1, 254)
  value!: string;

  /** The system an `external_id` belongs to, e.g. `shopify`. */
  @IsOptional()
  @IsString()
  @Length(1, 64)
  system?: string;
}

/** What an integrator sends: an event about one customer. Ingest completes it into an envelope. */
export class IngestEventRequest {
  /** Optional client-chosen id; resending the same id stores nothing new. */
  @IsOptional()
  @IsUUID()
  id?: string;

  @IsString()
  @IsIn(CUSTOMER_EVENT_TYPES as string[], { message: `type must be one of: ${CUSTOMER_EVENT_TYPES.join(', ')}` })
  type!: string;

  /** Exactly one of `customerId` and `identity` is given (checked by `validateCustomerEvent`). */
  @ValidateIf((o: IngestEventRequest) => o.customerId !== undefined)
  @IsString()
  @Length(1, 64)
  @Matches(/^[A-Za-z0-9][A-Za-z0-9_.:@-]*$/, {
    message: 'customerId may contain letters, digits and _ . : @ - and must start with a letter or digit',
  })
  customerId!: string;

  /** Names the customer by a linked identifier (email, phone, external id, device id) instead of `customerId`. */
  @ValidateIf((o: IngestEventRequest) => o.identity !== undefined)
  @IsObject()
  @ValidateNested()
  @NestedType(() => EventIdentity)
  identity?: EventIdentity;

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
