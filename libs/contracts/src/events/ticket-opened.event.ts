import { IsIn, IsString, Length } from 'class-validator';
import type { EventEnvelope } from '../envelope/event-envelope';

export const TICKET_OPENED = 'crm.ticket.opened';

export const TICKET_CHANNELS = ['email', 'phone', 'chat', 'web', 'app', 'store', 'social'] as const;
export type TicketChannel = (typeof TICKET_CHANNELS)[number];
export const TICKET_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export type TicketPriority = (typeof TICKET_PRIORITIES)[number];

/** The customer asked support for help. */
export class TicketOpenedData {
  @IsString()
  @Length(1, 64)
  ticketId!: string;

  @IsIn(TICKET_CHANNELS)
  channel!: TicketChannel;

  @IsString()
  @Length(1, 200)
  subject!: string;

  @IsIn(TICKET_PRIORITIES)
  priority!: TicketPriority;
}

export type TicketOpened = EventEnvelope<typeof TICKET_OPENED, TicketOpenedData>;
