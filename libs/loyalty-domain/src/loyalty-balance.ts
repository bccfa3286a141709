import { ORDER_COMPLETED, type CustomerEvent, type EventEnvelope } from '@crm/contracts';
import { pointsForOrder, tierFor, type LoyaltyProgram } from './loyalty-program';

export interface LoyaltyBalance {
  customerId: string;
  /** Points available to spend. */
  balance: number;
  /** Points ever earned: decides the tier. */
  lifetimePoints: number;
  tier: string;
  lastEarnedAt?: string;
}

/** Pure: the balance after one customer event. */
export function evolveLoyaltyBalance(state: LoyaltyBalance | null, envelope: EventEnvelope, program: LoyaltyProgram): LoyaltyBalance {
  const base = state ?? { customerId: envelope.subject, balance: 0, lifetimePoints: 0, tier: tierFor(0, program) };
  const event = envelope as CustomerEvent;
  switch (event.type) {
    case ORDER_COMPLETED: {
      const earned = pointsForOrder(event.data.totalMinor, program);
      const lifetimePoints = base.lifetimePoints + earned;
      return { ...base, balance: base.balance + earned, lifetimePoints, tier: tierFor(lifetimePoints, program), lastEarnedAt: event.time };
    }
    default:
      return base;
  }
}
