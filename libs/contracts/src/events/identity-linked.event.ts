import { IsIn, IsOptional, IsString, Length } from 'class-validator';
import type { EventEnvelope } from '../envelope/event-envelope';

export const IDENTITY_LINKED = 'crm.identity.linked';

export const IDENTITY_KINDS = ['email', 'phone', 'external_id', 'device_id'] as const;
export type IdentityKind = (typeof IDENTITY_KINDS)[number];

/** Another identifier now points at this customer (identity resolution keeps them together). */
export class IdentityLinkedData {
  @IsIn(IDENTITY_KINDS)
  kind!: IdentityKind;

  @IsString()
  @Length(1, 254)
  value!: string;

  /** The system an `external_id` belongs to, e.g. `shopify` or `salesforce`. */
  @IsOptional()
  @IsString()
  @Length(1, 64)
  system?: string;
}

export type IdentityLinked = EventEnvelope<typeof IDENTITY_LINKED, IdentityLinkedData>;
