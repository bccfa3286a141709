import type { EventEnvelope } from '@crm/contracts';
import { evolveCustomerDay, type CustomerDay } from './customer-day';
import { summarisePeriod } from './period-totals';

const ev = (subject: string, type: string, time: string, data: Record<string, unknown> = {}): EventEnvelope => ({
  id: 'x', type, schemaVersion: 1, source: 't', subject, time, data,
});

describe('period totals', () => {
  it('sums orders and revenue and counts each customer once however many days they were active', () => {
    const rows: CustomerDay[] = [
      [ev('a', 'crm.customer.registered', '2026-03-01T10:00:00Z', { email: 'a@b.co' }), ev('a', 'crm.order.completed', '2026-03-01T11:00:00Z', { totalMinor: 500, currency: 'EUR' })],
      [ev('a', 'crm.order.completed', '2026-03-02T09:00:00Z', { totalMinor: 10, currency: 'EUR' })],
      [ev('b', 'crm.order.completed', '2026-03-02T12:00:00Z', { totalMinor: 100, currency: 'USD' })],
    ].map((events) => events.reduce<CustomerDay | null>(evolveCustomerDay, null)!);
    expect(summarisePeriod(rows)).toEqual({ orders: 3, revenueMinorByCurrency: { EUR: 510, USD: 100 }, newCustomers: 1, activeCustomers: 2 });
  });

  it('summarises an empty period as zeros', () => {
    expect(summarisePeriod([])).toEqual({ orders: 0, revenueMinorByCurrency: {}, newCustomers: 0, activeCustomers: 0 });
  });
});
