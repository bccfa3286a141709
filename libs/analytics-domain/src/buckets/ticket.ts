import { TICKET_OPENED, TICKET_RESOLVED, type CustomerEvent, type EventEnvelope } from '@crm/contracts';
import { dayOf } from '../period';

/**
 * One support ticket (its customer's stream holds both its opening and its resolution). A
 * percentile of resolution times needs the times themselves — they cannot be summed from
 * counters — so each ticket is its own small bucket, and a query reads the tickets resolved in
 * the period.
 */
export interface Ticket {
  customerId: string;
  ticketId: string;
  openedAt: string | null;
  resolvedAt: string | null;
  resolvedDay: string | null;
  /** Hours from opening to resolution; null until both are known. */
  resolutionHours: number | null;
}

const HOUR_MS = 3_600_000;

/** Document key: ticket ids are unique per customer, not across customers. */
export const ticketDocumentId = (customerId: string, ticketId: string): string => `${customerId}|${ticketId}`;

/** The ticket an event is about, or null. */
export function ticketIdOf(envelope: EventEnvelope): string | null {
  const event = envelope as CustomerEvent;
  return event.type === TICKET_OPENED || event.type === TICKET_RESOLVED ? event.data.ticketId : null;
}

const hoursBetween = (openedAt: string | null, resolvedAt: string | null): number | null =>
  openedAt === null || resolvedAt === null ? null : (Date.parse(resolvedAt) - Date.parse(openedAt)) / HOUR_MS;

export function evolveTicket(state: Ticket | null, envelope: EventEnvelope): Ticket | null {
  const event = envelope as CustomerEvent;
  if (event.type !== TICKET_OPENED && event.type !== TICKET_RESOLVED) return state;
  const base: Ticket = state ?? { customerId: event.subject, ticketId: event.data.ticketId, openedAt: null, resolvedAt: null, resolvedDay: null, resolutionHours: null };
  if (event.type === TICKET_OPENED) {
    // Opened again after a resolution: a new case on the same ticket, timed from this opening.
    const reopened = base.resolvedAt !== null;
    const openedAt = base.openedAt === null || reopened ? event.time : base.openedAt;
    return reopened ? { ...base, openedAt, resolvedAt: null, resolvedDay: null, resolutionHours: null } : { ...base, openedAt };
  }
  const resolvedAt = event.data.resolvedAt ?? event.time;
  return { ...base, resolvedAt, resolvedDay: dayOf(resolvedAt), resolutionHours: hoursBetween(base.openedAt, resolvedAt) };
}
