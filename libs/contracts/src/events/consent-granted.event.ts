import { IsIn, IsOptional, IsString, Length } from 'class-validator';
import type { EventEnvelope } from '../envelope/event-envelope';

export const CONSENT_GRANTED = 'crm.consent.granted';

export const CONSENT_CHANNELS = ['email', 'sms', 'phone', 'push', 'post'] as const;
export type ConsentChannel = (typeof CONSENT_CHANNELS)[number];
export const CONSENT_PURPOSES = ['marketing', 'service', 'analytics', 'personalisation'] as const;
export type ConsentPurpose = (typeof CONSENT_PURPOSES)[number];

/** The customer agreed to be contacted on `channel` for `purpose`. */
export class ConsentGrantedData {
  @IsIn(CONSENT_CHANNELS)
  channel!: ConsentChannel;

  @IsIn(CONSENT_PURPOSES)
  purpose!: ConsentPurpose;

  /** Version of the policy or wording the customer agreed to, for proof of consent. */
  @IsOptional()
  @IsString()
  @Length(1, 64)
  policyVersion?: string;
}

export type ConsentGranted = EventEnvelope<typeof CONSENT_GRANTED, ConsentGrantedData>;
