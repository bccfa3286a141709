import { IsIn } from 'class-validator';
import type { EventEnvelope } from '../envelope/event-envelope';
import { CONSENT_CHANNELS, CONSENT_PURPOSES, type ConsentChannel, type ConsentPurpose } from './consent-granted.event';

export const CONSENT_WITHDRAWN = 'crm.consent.withdrawn';

/** The customer withdrew consent for `channel` and `purpose`; nothing more may be sent there. */
export class ConsentWithdrawnData {
  @IsIn(CONSENT_CHANNELS)
  channel!: ConsentChannel;

  @IsIn(CONSENT_PURPOSES)
  purpose!: ConsentPurpose;
}

export type ConsentWithdrawn = EventEnvelope<typeof CONSENT_WITHDRAWN, ConsentWithdrawnData>;
