import { IsOptional, IsString, Length } from 'class-validator';
import type { EventEnvelope } from '../envelope/event-envelope';

export const CUSTOMER_ERASED = 'crm.customer.erased';

/** The customer's personal data must be forgotten (right to erasure); read sides drop what they hold. */
export class CustomerErasedData {
  @IsOptional()
  @IsString()
  @Length(1, 500)
  reason?: string;

  /** Who asked: the customer, a support agent's id, a retention job. */
  @IsOptional()
  @IsString()
  @Length(1, 128)
  requestedBy?: string;
}

export type CustomerErased = EventEnvelope<typeof CUSTOMER_ERASED, CustomerErasedData>;
