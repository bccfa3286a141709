import type { EventEnvelope } from '@crm/contracts';
import { customerDayId, evolveCustomerDay, summariseDays, type CustomerDay } from './customer-day';

const ev = (subject: string, type: string, time: string, data: Record<string, unknown> = {}): EventEnvelope => ({
  id: 'x', type, schemaVersion: 1, source: 't', subject, time, data,
});

describe('customer-day aggregation', () => {
  it('keys documents by UTC day and customer', () => {
    expect(customerDayId(ev('c1', 't', '2026-03-01T23:30:00-02:00'))).toBe('2026-03-02|c1');
  });

  it('sums orders and revenue per day across customers', () => {
    const rows: CustomerDay[] = [
      [ev('a', 'crm.customer.registered', '2026-03-01T10:00:00Z', { email: 'a@b.co' }), ev('a', 'crm.order.completed', '2026-03-01T11:00:00Z', { totalMinor: 500, currency: 'EUR' })],
      [ev('b', 'crm.order.completed', '2026-03-01T12:00:00Z', { totalMinor: 250, currency: 'EUR' }), ev('b', 'crm.order.completed', '2026-03-01T13:00:00Z', { totalMinor: 100, currency: 'USD' })],
      [ev('a', 'crm.order.completed', '2026-03-02T09:00:00Z', { totalMinor: 10, currency: 'EUR' })],
    ].map((events) => events.reduce<CustomerDay | null>(evolveCustomerDay, null)!);
    expect(summariseDays(rows)).toEqual([
      { day: '2026-03-01', orders: 3, revenueMinorByCurrency: { EUR: 750, USD: 100 }, newCustomers: 1, activeCustomers: 2 },
      { day: '2026-03-02', orders: 1, revenueMinorByCurrency: { EUR: 10 }, newCustomers: 0, activeCustomers: 1 },
    ]);
  });

  it('summarises an empty period as no days', () => {
    expect(summariseDays([])).toEqual([]);
  });
});
