import type { Ticket } from '../buckets/ticket';
import { inPeriod, type Period } from '../period';

export interface TicketResolutionResult {
  /** Tickets resolved in the period whose opening is known. */
  resolved: number;
  /** Resolved in the period without a known opening (left out of the times). */
  withoutOpening: number;
  averageHours: number | null;
  /** Nearest-rank 90th percentile: the ⌈0.9·n⌉-th shortest time. */
  p90Hours: number | null;
}

export type TicketRow = Pick<Ticket, 'resolvedDay' | 'resolutionHours'>;

/** Nearest-rank percentile of an ascending list (q in (0, 1]). */
export function nearestRank(sorted: readonly number[], q: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)];
}

/**
 * Resolution time of the tickets resolved in the period (by the day of resolution): from the
 * ticket's opening to its resolution (`resolvedAt`, or the event's time), in hours. A resolution
 * recorded before the opening (a clock or data error) counts as 0 hours.
 */
export function ticketResolution(tickets: readonly TicketRow[], period: Period): TicketResolutionResult {
  const hours: number[] = [];
  let withoutOpening = 0;
  for (const t of tickets) {
    if (t.resolvedDay === null || !inPeriod(t.resolvedDay, period)) continue;
    if (t.resolutionHours === null) withoutOpening++;
    else hours.push(Math.max(0, t.resolutionHours));
  }
  hours.sort((a, b) => a - b);
  return {
    resolved: hours.length,
    withoutOpening,
    averageHours: hours.length === 0 ? null : hours.reduce((s, h) => s + h, 0) / hours.length,
    p90Hours: nearestRank(hours, 0.9),
  };
}
