import { IsOptional, IsString, Length } from 'class-validator';
import type { EventEnvelope } from '../envelope/event-envelope';

export const LEAD_CAPTURED = 'crm.lead.captured';

/** A prospect left their details (a form, a trade fair, a partner list). */
export class LeadCapturedData {
  /** Where the lead came from, e.g. `webinar`, `landing_page`, `partner`. */
  @IsString()
  @Length(1, 64)
  source!: string;

  @IsOptional()
  @IsString()
  @Length(1, 64)
  campaignId?: string;
}

export type LeadCaptured = EventEnvelope<typeof LEAD_CAPTURED, LeadCapturedData>;
