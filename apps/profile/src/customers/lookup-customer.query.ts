import { IsIn, IsOptional, IsString, Length } from 'class-validator';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IDENTITY_KINDS, type IdentityKind } from '@crm/contracts';

export class LookupCustomerQuery {
  @ApiProperty({ enum: IDENTITY_KINDS })
  @IsIn(IDENTITY_KINDS)
  kind!: IdentityKind;

  @ApiProperty({ description: 'Any spelling ingest accepts: emails are compared lower-cased, phones without separators' })
  @IsString() @Length(1, 254)
  value!: string;

  @ApiPropertyOptional({ description: 'The system of an `external_id` (e.g. `shopify`)' })
  @IsOptional() @IsString() @Length(1, 64)
  system?: string;
}
