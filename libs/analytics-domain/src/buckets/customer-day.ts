import {
  CUSTOMER_REGISTERED,
  LEAD_CAPTURED,
  OPPORTUNITY_STAGE_CHANGED,
  ORDER_COMPLETED,
  ORDER_REFUNDED,
  SURVEY_ANSWERED,
  TICKET_OPENED,
  TICKET_RESOLVED,
  type CustomerEvent,
  type EventEnvelope,
  type OpportunityStage,
} from '@crm/contracts';
import { dayOf } from '../period';

/**
 * One customer's activity on one UTC day, from the customer's own stream. Period KPIs are sums
 * and distinct counts over these documents, so a redelivered event (skipped by the per-document
 * revision guard) can never be counted twice, and a query reads one document per active
 * customer-day of the period, never the events.
 */
export interface CustomerDay {
  day: string;
  customerId: string;
  /** Every event of the day (a merge is not activity and is not folded here). */
  events: number;
  registrations: number;
  /** Completed orders, and how many of them were in each currency. */
  orders: number;
  ordersByCurrency: Record<string, number>;
  /** Order totals (integer minor units) as completed; refunds are kept apart. */
  revenueMinorByCurrency: Record<string, number>;
  /** Refunds made this day (of orders of any day). */
  refunds: number;
  refundedMinorByCurrency: Record<string, number>;
  leads: number;
  /** Opportunities that moved into each stage this day (ids, each once). */
  opportunityStages: Partial<Record<OpportunityStage, string[]>>;
  ticketsOpened: number;
  ticketsResolved: number;
  /** NPS answers: 9–10 promoters, 7–8 passives, 0–6 detractors. */
  npsPromoters: number;
  npsPassives: number;
  npsDetractors: number;
  /** Satisfaction scores 1–5: CSAT survey answers and the satisfaction given when a ticket is resolved. */
  csatResponses: number;
  /** Scores of 4 or 5. */
  csatSatisfied: number;
  csatScoreSum: number;
}

export const emptyCustomerDay = (day: string, customerId: string): CustomerDay => ({
  day,
  customerId,
  events: 0,
  registrations: 0,
  orders: 0,
  ordersByCurrency: {},
  revenueMinorByCurrency: {},
  refunds: 0,
  refundedMinorByCurrency: {},
  leads: 0,
  opportunityStages: {},
  ticketsOpened: 0,
  ticketsResolved: 0,
  npsPromoters: 0,
  npsPassives: 0,
  npsDetractors: 0,
  csatResponses: 0,
  csatSatisfied: 0,
  csatScoreSum: 0,
});

export const customerDayId = (envelope: EventEnvelope): string => `${dayOf(envelope.time)}|${envelope.subject}`;

const add = (record: Record<string, number>, key: string, amount: number): Record<string, number> => ({ ...record, [key]: (record[key] ?? 0) + amount });

const withCsat = (d: CustomerDay, score: number): CustomerDay => ({
  ...d,
  csatResponses: d.csatResponses + 1,
  csatSatisfied: d.csatSatisfied + (score >= 4 ? 1 : 0),
  csatScoreSum: d.csatScoreSum + score,
});

export function evolveCustomerDay(state: CustomerDay | null, envelope: EventEnvelope): CustomerDay {
  // Documents written before a field existed lack it: the empty day fills it in.
  const base: CustomerDay = { ...emptyCustomerDay(dayOf(envelope.time), envelope.subject), ...state };
  const d = { ...base, events: base.events + 1 };
  const event = envelope as CustomerEvent;
  switch (event.type) {
    case CUSTOMER_REGISTERED:
      return { ...d, registrations: d.registrations + 1 };
    case ORDER_COMPLETED:
      return {
        ...d,
        orders: d.orders + 1,
        ordersByCurrency: add(d.ordersByCurrency, event.data.currency, 1),
        revenueMinorByCurrency: add(d.revenueMinorByCurrency, event.data.currency, event.data.totalMinor),
      };
    case ORDER_REFUNDED:
      return { ...d, refunds: d.refunds + 1, refundedMinorByCurrency: add(d.refundedMinorByCurrency, event.data.currency, event.data.amountMinor) };
    case LEAD_CAPTURED:
      return { ...d, leads: d.leads + 1 };
    case OPPORTUNITY_STAGE_CHANGED: {
      const reached = d.opportunityStages[event.data.to] ?? [];
      if (reached.includes(event.data.opportunityId)) return d;
      return { ...d, opportunityStages: { ...d.opportunityStages, [event.data.to]: [...reached, event.data.opportunityId] } };
    }
    case TICKET_OPENED:
      return { ...d, ticketsOpened: d.ticketsOpened + 1 };
    case TICKET_RESOLVED: {
      const resolved = { ...d, ticketsResolved: d.ticketsResolved + 1 };
      return event.data.satisfaction === undefined ? resolved : withCsat(resolved, event.data.satisfaction);
    }
    case SURVEY_ANSWERED: {
      const score = event.data.score;
      if (score === undefined) return d;
      if (event.data.kind === 'nps') {
        if (score >= 9) return { ...d, npsPromoters: d.npsPromoters + 1 };
        if (score >= 7) return { ...d, npsPassives: d.npsPassives + 1 };
        return { ...d, npsDetractors: d.npsDetractors + 1 };
      }
      return event.data.kind === 'csat' ? withCsat(d, score) : d;
    }
    default:
      return d;
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
export function summariseDays(rows: readonly Pick<CustomerDay, 'day' | 'orders' | 'revenueMinorByCurrency' | 'registrations'>[]): DailyActivity[] {
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
