import { ORDER_COMPLETED, ORDER_PLACED, ORDER_REFUNDED, type CustomerEvent, type EventEnvelope } from '@crm/contracts';
import type { OrderLine } from '../earning/order-points';
import { toInstant } from '../time';

/** An order placed and not yet completed: its points are pending. */
export interface PlacedOrder {
  readonly orderId: string;
  readonly totalMinor: number;
  readonly currency: string;
  readonly items: readonly OrderLine[];
  readonly placedAt: string;
}

export interface PendingOrders {
  readonly customerId: string;
  readonly orders: readonly PlacedOrder[];
}

/** Keeps the document small for customers who place orders that never complete. */
export const MAX_PENDING_ORDERS = 50;

/**
 * Pure, over the customer's own events: orders placed wait here until they complete (then they
 * earn, in the account) or are refunded. Returns the state unchanged (or null) for other events.
 */
export function evolvePendingOrders(state: PendingOrders | null, envelope: EventEnvelope): PendingOrders | null {
  const event = envelope as CustomerEvent;
  switch (event.type) {
    case ORDER_PLACED: {
      const base = state ?? { customerId: envelope.subject, orders: [] };
      if (base.orders.some((o) => o.orderId === event.data.orderId)) return base;
      const order: PlacedOrder = {
        orderId: event.data.orderId,
        totalMinor: event.data.totalMinor,
        currency: event.data.currency,
        items: event.data.items.map((i) => ({ quantity: i.quantity, unitPriceMinor: i.unitPriceMinor, ...(i.category ? { category: i.category } : {}) })),
        placedAt: toInstant(envelope.time),
      };
      return { ...base, orders: [...base.orders, order].slice(-MAX_PENDING_ORDERS) };
    }
    case ORDER_COMPLETED:
    case ORDER_REFUNDED: {
      if (!state) return null;
      const orderId = event.data.orderId;
      return state.orders.some((o) => o.orderId === orderId) ? { ...state, orders: state.orders.filter((o) => o.orderId !== orderId) } : state;
    }
    default:
      return state;
  }
}
