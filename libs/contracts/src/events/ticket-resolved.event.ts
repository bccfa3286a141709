import { IsInt, IsISO8601, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import type { EventEnvelope } from '../envelope/event-envelope';

export const TICKET_RESOLVED = 'crm.ticket.resolved';

/** A support ticket was closed as resolved, optionally with the customer's satisfaction (1–5). */
export class TicketResolvedData {
  @IsString()
  @Length(1, 64)
  ticketId!: string;

  /** When it was resolved, if not the event's `time`. */
  @IsOptional()
  @IsISO8601({ strict: true })
  resolvedAt?: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(5)
  satisfaction?: number;
}

export type TicketResolved = EventEnvelope<typeof TICKET_RESOLVED, TicketResolvedData>;
