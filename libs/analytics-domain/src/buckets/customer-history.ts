import {
  CUSTOMER_MERGED,
  CUSTOMER_REGISTERED,
  LEAD_CAPTURED,
  ORDER_COMPLETED,
  ORDER_REFUNDED,
  SURVEY_ANSWERED,
  TICKET_OPENED,
  TICKET_RESOLVED,
  type CustomerEvent,
  type EventEnvelope,
} from '@crm/contracts';
import { dayOf } from '../period';

/** Completed orders of one UTC day, with the refunds later made on those orders. */
export interface PurchaseDay {
  day: string;
  orders: number;
  revenueMinorByCurrency: Record<string, number>;
  /** Refunds of this day's orders, whenever they were made (found by order id). */
  refundedMinorByCurrency: Record<string, number>;
}

/** Refunds made on one UTC day. */
export interface RefundDay {
  day: string;
  refundedMinorByCurrency: Record<string, number>;
}

/**
 * One customer's whole purchase and service history in a few numbers per purchase day: what the
 * cohorts, the historical CLV and the purchase models read (one document per customer, never the
 * events). Ids of orders and tickets are kept in arrays, not as keys: they are integrators'
 * strings, and a `.` or `$` in a MongoDB key is trouble.
 */
export interface CustomerHistory {
  customerId: string;
  firstSeenDay: string;
  registeredDay: string | null;
  /** First `crm.lead.captured`. */
  leadDay: string | null;
  /** Survivor when this customer was merged into another (`crm.customer.merged`). */
  mergedInto: string | null;
  /** Ascending by day. */
  purchases: PurchaseDay[];
  /** Ascending by day. */
  refunds: RefundDay[];
  /** Day each order was completed on: refunds are attributed to their order's purchase day. */
  orders: { orderId: string; day: string }[];
  /** Tickets opened and not yet resolved. */
  openTickets: { ticketId: string; openedAt: string }[];
  /** Latest day the customer answered an NPS survey with 0–6. */
  lastDetractorDay: string | null;
}

export const emptyCustomerHistory = (customerId: string, day: string): CustomerHistory => ({
  customerId,
  firstSeenDay: day,
  registeredDay: null,
  leadDay: null,
  mergedInto: null,
  purchases: [],
  refunds: [],
  orders: [],
  openTickets: [],
  lastDetractorDay: null,
});

const add = (record: Record<string, number>, key: string, amount: number): Record<string, number> => ({ ...record, [key]: (record[key] ?? 0) + amount });
const earliest = (a: string | null, b: string): string => (a === null || b < a ? b : a);
const latest = (a: string | null, b: string): string => (a === null || b > a ? b : a);

/** Replaces (or inserts) the entry for `day`, keeping the list ascending. */
function upsertDay<T extends { day: string }>(list: readonly T[], day: string, update: (current: T | undefined) => T): T[] {
  const index = list.findIndex((entry) => entry.day >= day);
  if (index === -1) return [...list, update(undefined)];
  if (list[index].day === day) return [...list.slice(0, index), update(list[index]), ...list.slice(index + 1)];
  return [...list.slice(0, index), update(undefined), ...list.slice(index)];
}

export function evolveCustomerHistory(state: CustomerHistory | null, envelope: EventEnvelope): CustomerHistory {
  const day = dayOf(envelope.time);
  const base = state ?? emptyCustomerHistory(envelope.subject, day);
  const h: CustomerHistory = { ...base, firstSeenDay: earliest(base.firstSeenDay, day) };
  const event = envelope as CustomerEvent;
  switch (event.type) {
    case CUSTOMER_REGISTERED:
      return { ...h, registeredDay: earliest(h.registeredDay, day) };
    case LEAD_CAPTURED:
      return { ...h, leadDay: earliest(h.leadDay, day) };
    case CUSTOMER_MERGED:
      // The merge is not activity: the first-seen day stays what it was.
      return { ...base, mergedInto: event.data.survivorId };
    case ORDER_COMPLETED: {
      const { currency, totalMinor, orderId } = event.data;
      return {
        ...h,
        purchases: upsertDay(h.purchases, day, (p) => ({
          day,
          orders: (p?.orders ?? 0) + 1,
          revenueMinorByCurrency: add(p?.revenueMinorByCurrency ?? {}, currency, totalMinor),
          refundedMinorByCurrency: p?.refundedMinorByCurrency ?? {},
        })),
        orders: h.orders.some((o) => o.orderId === orderId) ? h.orders : [...h.orders, { orderId, day }],
      };
    }
    case ORDER_REFUNDED: {
      const { currency, amountMinor, orderId } = event.data;
      const refunds = upsertDay(h.refunds, day, (r) => ({ day, refundedMinorByCurrency: add(r?.refundedMinorByCurrency ?? {}, currency, amountMinor) }));
      const orderDay = h.orders.find((o) => o.orderId === orderId)?.day;
      // A refund of an order this history does not know (completed under another id, or never) still
      // lowers the net revenue to date, but no purchase day's value.
      const purchases =
        orderDay === undefined
          ? h.purchases
          : h.purchases.map((p) => (p.day === orderDay ? { ...p, refundedMinorByCurrency: add(p.refundedMinorByCurrency, currency, amountMinor) } : p));
      return { ...h, refunds, purchases };
    }
    case TICKET_OPENED:
      return h.openTickets.some((t) => t.ticketId === event.data.ticketId)
        ? h
        : { ...h, openTickets: [...h.openTickets, { ticketId: event.data.ticketId, openedAt: event.time }] };
    case TICKET_RESOLVED:
      return { ...h, openTickets: h.openTickets.filter((t) => t.ticketId !== event.data.ticketId) };
    case SURVEY_ANSWERED:
      return event.data.kind === 'nps' && event.data.score !== undefined && event.data.score <= 6
        ? { ...h, lastDetractorDay: latest(h.lastDetractorDay, day) }
        : h;
    default:
      return h;
  }
}

/**
 * One history for a survivor and the customers merged into it: purchases of the same day are
 * added, lists joined, the earliest first-seen, registration and lead days kept. Each event lives
 * in one stream, so nothing is counted twice.
 */
export function combineHistories(survivorId: string, histories: readonly CustomerHistory[]): CustomerHistory {
  let combined = emptyCustomerHistory(survivorId, '9999-12-31');
  for (const h of histories) {
    let purchases = combined.purchases;
    for (const p of h.purchases) {
      purchases = upsertDay(purchases, p.day, (q) => ({
        day: p.day,
        orders: (q?.orders ?? 0) + p.orders,
        revenueMinorByCurrency: sumRecords(q?.revenueMinorByCurrency ?? {}, p.revenueMinorByCurrency),
        refundedMinorByCurrency: sumRecords(q?.refundedMinorByCurrency ?? {}, p.refundedMinorByCurrency),
      }));
    }
    let refunds = combined.refunds;
    for (const r of h.refunds) {
      refunds = upsertDay(refunds, r.day, (q) => ({ day: r.day, refundedMinorByCurrency: sumRecords(q?.refundedMinorByCurrency ?? {}, r.refundedMinorByCurrency) }));
    }
    combined = {
      customerId: survivorId,
      firstSeenDay: earliest(combined.firstSeenDay, h.firstSeenDay),
      registeredDay: h.registeredDay === null ? combined.registeredDay : earliest(combined.registeredDay, h.registeredDay),
      leadDay: h.leadDay === null ? combined.leadDay : earliest(combined.leadDay, h.leadDay),
      mergedInto: null,
      purchases,
      refunds,
      orders: [...combined.orders, ...h.orders],
      openTickets: [...combined.openTickets, ...h.openTickets],
      lastDetractorDay: h.lastDetractorDay === null ? combined.lastDetractorDay : latest(combined.lastDetractorDay, h.lastDetractorDay),
    };
  }
  return combined;
}

export function sumRecords(a: Record<string, number>, b: Record<string, number>): Record<string, number> {
  const sum = { ...a };
  for (const [key, value] of Object.entries(b)) sum[key] = (sum[key] ?? 0) + value;
  return sum;
}

/** First day with a completed order, or null. */
export const firstPurchaseDay = (h: Pick<CustomerHistory, 'purchases'>): string | null => h.purchases[0]?.day ?? null;
