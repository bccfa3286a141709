import type { EventEnvelope } from '@crm/contracts';

/** Test fixtures: envelopes with readable times (`day(n)` is n days after 2026-01-01). */
export const T0 = Date.UTC(2026, 0, 1);
export const DAY = 86_400_000;
export const day = (n: number): number => T0 + n * DAY;
export const iso = (ms: number): string => new Date(ms).toISOString();

let seq = 0;
export function event(type: string, data: Record<string, unknown>, at: number, subject = 'c1'): EventEnvelope {
  seq++;
  return { id: `e-${seq}`, type, schemaVersion: 1, source: 'test', subject, time: iso(at), data };
}

export const registered = (at: number, data: Record<string, unknown> = {}, subject?: string) =>
  event('crm.customer.registered', { email: 'a@example.com', ...data }, at, subject);
export const order = (at: number, totalMinor = 10_000, currency = 'EUR', subject?: string) =>
  event('crm.order.completed', { orderId: `o-${seq}`, totalMinor, currency }, at, subject);
export const emailOpened = (at: number, subject?: string) => event('crm.touchpoint.recorded', { channel: 'email', action: 'email_opened' }, at, subject);
