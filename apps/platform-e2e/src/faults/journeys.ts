import { randomUUID } from 'node:crypto';

/** An event as an integrator posts it; `id` is fixed up front so every retry is the same event. */
export interface JourneyEvent {
  readonly id: string;
  readonly type: string;
  readonly customerId: string;
  readonly data: Record<string, unknown>;
}

/**
 * A scripted customer journey: sign-up, browsing, a few orders (one partly refunded), a support
 * ticket with its survey. Deterministic in shape, random in ids, so many run side by side.
 */
export function customerJourney(customerId: string, n: number): JourneyEvent[] {
  const e = (type: string, data: Record<string, unknown>): JourneyEvent => ({ id: randomUUID(), type, customerId, data });
  const orders = 1 + (n % 3);
  const events: JourneyEvent[] = [
    e('crm.customer.registered', { email: `${customerId}@example.com`, country: ['DE', 'SE', 'FR'][n % 3] }),
    e('crm.consent.granted', { channel: 'email', purpose: 'marketing', policyVersion: '2026-01' }),
    e('crm.touchpoint.recorded', { channel: 'web', action: 'page_viewed', url: `https://shop.example.com/p/${n}` }),
  ];
  for (let i = 0; i < orders; i++) {
    events.push(e('crm.order.completed', { orderId: `${customerId}-o${i}`, totalMinor: 1_000 * (i + 1) + n, currency: 'EUR' }));
  }
  if (n % 4 === 0) events.push(e('crm.order.refunded', { orderId: `${customerId}-o0`, amountMinor: 500, currency: 'EUR', reason: 'damaged' }));
  if (n % 2 === 0) {
    events.push(e('crm.ticket.opened', { ticketId: `${customerId}-t`, channel: 'chat', subject: 'Where is my parcel', priority: 'normal' }));
    events.push(e('crm.ticket.resolved', { ticketId: `${customerId}-t`, satisfaction: 1 + (n % 5) }));
  }
  events.push(e('crm.survey.answered', { surveyId: 'nps', kind: 'nps', score: n % 11 }));
  return events;
}
