import { CUSTOMER_REGISTERED, ORDER_COMPLETED, type CustomerEvent, type EventEnvelope } from '@crm/contracts';

/**
 * One customer's activity on one UTC day. Daily KPIs are sums over these documents, so a
 * redelivered event (skipped by the per-document revision guard) can never be counted twice.
 */
export interface CustomerDay {
  day: string;
  customerId: string;
  orders: number;
  revenueMinorByCurrency: Record<string, number>;
  registrations: number;
  events: number;
}

export const dayOf = (time: string): string => new Date(time).toISOString().slice(0, 10);

export const customerDayId = (envelope: EventEnvelope): string => `${dayOf(envelope.time)}|${envelope.subject}`;

export function evolveCustomerDay(state: CustomerDay | null, envelope: EventEnvelope): CustomerDay {
  const base: CustomerDay = state ?? {
    day: dayOf(envelope.time),
    customerId: envelope.subject,
    orders: 0,
    revenueMinorByCurrency: {},
    registrations: 0,
    events: 0,
  };
  const touched = { ...base, events: base.events + 1 };
  const event = envelope as CustomerEvent;
  switch (event.type) {
    case ORDER_COMPLETED:
      return {
        ...touched,
        orders: touched.orders + 1,
        revenueMinorByCurrency: {
          ...touched.revenueMinorByCurrency,
          [event.data.currency]: (touched.revenueMinorByCurrency[event.data.currency] ?? 0) + event.data.totalMinor,
        },
      };
    case CUSTOMER_REGISTERED:
      return { ...touched, registrations: touched.registrations + 1 };
    default:
      return touched;
  }
}

export interface DailyActivity {
  day: string;
  orders: number;
  revenueMinorByCurrency: Record<string, number>;
  newCustomers: number;
  activeCustomers: number;
}

/** Pure roll-up of customer-days into per-day figures, days ascending. */
export function summariseDays(rows: readonly CustomerDay[]): DailyActivity[] {
  const byDay = new Map<string, DailyActivity>();
  for (const row of rows) {
    const d = byDay.get(row.day) ?? { day: row.day, orders: 0, revenueMinorByCurrency: {}, newCustomers: 0, activeCustomers: 0 };
    d.orders += row.orders;
    d.newCustomers += row.registrations > 0 ? 1 : 0;
    d.activeCustomers += 1;
    for (const [currency, minor] of Object.entries(row.revenueMinorByCurrency)) {
      d.revenueMinorByCurrency[currency] = (d.revenueMinorByCurrency[currency] ?? 0) + minor;
    }
    byDay.set(row.day, d);
  }
  return [...byDay.values()].sort((a, b) => a.day.localeCompare(b.day));
}
