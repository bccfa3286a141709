import { Equals, IsIn, IsOptional, IsString, Length, ValidateNested } from 'class-validator';
import type { EventEnvelope } from '../envelope/event-envelope';
import { NestedType } from '../validation/nested-type';
import { IDENTITY_KINDS, type IdentityKind } from './identity-linked.event';

export const CUSTOMER_MERGED = 'crm.customer.merged';
export const CUSTOMER_MERGED_SCHEMA_VERSION = 1;

/** The identifier whose link joined the two customers. */
export class MergeIdentity {
  @IsIn(IDENTITY_KINDS)
  kind!: IdentityKind;

  @IsString()
  @Length(1, 254)
  value!: string;

  @IsOptional()
  @IsString()
  @Length(1, 64)
  system?: string;
}

/**
 * Produced by ingest, never sent by integrators: the customer of this stream (`mergedId`, the
 * envelope's subject) is the same person as `survivorId`. Stored in the MERGED customer's stream,
 * so every read model folding that customer sees it in order; read models then show the survivor.
 */
export class CustomerMergedData {
  @IsString()
  @Length(1, 64)
  survivorId!: string;

  @IsString()
  @Length(1, 64)
  mergedId!: string;

  @Equals('identity')
  reason!: 'identity';

  @ValidateNested()
  @NestedType(() => MergeIdentity)
  identity!: MergeIdentity;
}

export type CustomerMerged = EventEnvelope<typeof CUSTOMER_MERGED, CustomerMergedData>;
