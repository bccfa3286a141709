import { CUSTOMER_MERGED, ORDER_COMPLETED, type CustomerEvent, type EventEnvelope } from '@crm/contracts';
import { pointsForOrder, tierFor, type LoyaltyProgram } from './loyalty-program';

export interface LoyaltyBalance {
  customerId: string;
  /** Points available to spend. */
  balance: number;
  /** Points ever earned: decides the tier. */
  lifetimePoints: number;
  tier: string;
  lastEarnedAt?: string;
  /** Set once this customer was merged into another: the survivor's account holds these points too; this one is history. */
  mergedInto?: string;
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
    case CUSTOMER_MERGED:
      // The survivor takes in these points (absorbLoyaltyBalance); this account is then only history.
      return { ...base, mergedInto: event.data.survivorId };
    default:
      return base;
  }
}

/** Pure: the survivor of a merge takes in the merged customer's points; its tier follows the combined lifetime points. */
export function absorbLoyaltyBalance(survivor: LoyaltyBalance | null, merged: LoyaltyBalance, survivorId: string, program: LoyaltyProgram): LoyaltyBalance {
  const base = survivor ?? { customerId: survivorId, balance: 0, lifetimePoints: 0, tier: tierFor(0, program) };
  const lifetimePoints = base.lifetimePoints + merged.lifetimePoints;
  const lastEarnedAt = [base.lastEarnedAt, merged.lastEarnedAt].filter((t): t is string => !!t).sort().at(-1);
  return {
    ...base,
    balance: base.balance + merged.balance,
    lifetimePoints,
    tier: tierFor(lifetimePoints, program),
    ...(lastEarnedAt ? { lastEarnedAt } : {}),
  };
}
