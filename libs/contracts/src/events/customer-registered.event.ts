import { IsEmail, IsISO31661Alpha2, IsISO8601, IsOptional, IsString, Length, MaxLength } from 'class-validator';
import type { EventEnvelope } from '../envelope/event-envelope';

export const CUSTOMER_REGISTERED = 'crm.customer.registered';

export class CustomerRegisteredData {
  @IsEmail()
  @MaxLength(254)
  email!: string;

  @IsOptional()
  @IsString()
  @Length(1, 100)
  firstName?: string;

  @IsOptional()
  @IsString()
  @Length(1, 100)
  lastName?: string;

  @IsOptional()
  @IsISO31661Alpha2()
  country?: string;

  @IsOptional()
  @IsISO8601({ strict: true })
  birthDate?: string;

  @IsOptional()
  @IsString()
  @MaxLength(64)
  acquisitionChannel?: string;
}

export type CustomerRegistered = EventEnvelope<typeof CUSTOMER_REGISTERED, CustomerRegisteredData>;

