import { IsEmail, IsISO31661Alpha2, IsObject, IsOptional, IsPhoneNumber, IsString, Length, MaxLength } from 'class-validator';
import type { EventEnvelope } from '../envelope/event-envelope';

export const PROFILE_UPDATED = 'crm.profile.updated';

/** Only the fields present change; absent fields keep their value. */
export class ProfileUpdatedData {
  @IsOptional()
  @IsEmail()
  @MaxLength(254)
  email?: string;

  @IsOptional()
  @IsPhoneNumber()
  phone?: string;

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

  /** Free-form preferences (e.g. `{ "newsletter": "weekly" }`); deepened by the catalogue later. */
  @IsOptional()
  @IsObject()
  preferences?: Record<string, string>;
}

export type ProfileUpdated = EventEnvelope<typeof PROFILE_UPDATED, ProfileUpdatedData>;
