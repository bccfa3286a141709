import { NestedType } from '../validation/nested-type';
import { IsEmail, IsISO31661Alpha2, IsOptional, IsPhoneNumber, IsString, Length, MaxLength, ValidateNested } from 'class-validator';
import type { EventEnvelope } from '../envelope/event-envelope';
import { IsStringRecord } from '../validation/string-record';

export const PROFILE_UPDATED = 'crm.profile.updated';

/** Current schema version of `crm.profile.updated` (v1 had `email`/`phone` at the top level). */
export const PROFILE_UPDATED_SCHEMA_VERSION = 2;

/** How the customer can be reached; only the fields present change. */
export class ProfileContact {
  @IsOptional()
  @IsEmail()
  @MaxLength(254)
  email?: string;

  /** International format, e.g. `+49 30 1234567`. */
  @IsOptional()
  @IsPhoneNumber()
  @MaxLength(32)
  phone?: string;
}

/**
 * Schema version 2. Only the fields present change; absent fields keep their value.
 * v1 → v2: `email` and `phone` moved into `contact` (see `versioning/upcast.ts`).
 */
export class ProfileUpdatedData {
  @IsOptional()
  @ValidateNested()
  @NestedType(() => ProfileContact)
  contact?: ProfileContact;

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

  /** Flat preferences, e.g. `{ "newsletter": "weekly" }`; merged key by key into the profile. */
  @IsOptional()
  @IsStringRecord({ maxEntries: 50, maxKeyLength: 64, maxValueLength: 256 })
  preferences?: Record<string, string>;
}

/** Schema version 1, as stored before v2: read it through `upcast`, never produce it. */
export interface ProfileUpdatedDataV1 {
  email?: string;
  phone?: string;
  firstName?: string;
  lastName?: string;
  country?: string;
  preferences?: Record<string, string>;
}

export type ProfileUpdated = EventEnvelope<typeof PROFILE_UPDATED, ProfileUpdatedData>;
