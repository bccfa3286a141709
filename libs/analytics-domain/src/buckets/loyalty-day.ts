import {
  LOYALTY_EVENT_TYPES,
  LOYALTY_POINTS_ADJUSTED,
  LOYALTY_POINTS_EARNED,
  LOYALTY_POINTS_EXPIRED,
  LOYALTY_POINTS_REDEEMED,
  LOYALTY_REDEMPTION_REVERSED,
  LOYALTY_REWARD_ISSUED,
  LOYALTY_TIER_DOWNGRADED,
  LOYALTY_TIER_UPGRADED,
  type EventEnvelope,
  type LoyaltyEvent,
} from '@crm/contracts';
import { dayOf } from '../period';

/**
 * One loyalty member's points activity on one UTC day, from the member's loyalty stream
 * (`loyalty-<customerId>`, topic `crm.loyalty-events.v1`). Kept apart from the customer-day
 * because it folds another stream, whose revisions are its own.
 */
export interface LoyaltyDay {
  day: string;
  customerId: string;
  /** Points earned (points-earned events). */
  pointsEarned: number;
  /** Points redeemed, less redemptions reversed the same day. */
  pointsRedeemed: number;
  pointsExpired: number;
  /** Signed sum of manual or refund adjustments. */
  pointsAdjusted: number;
  /** Events the member caused: earning and redeeming (expiry and adjustments are the programme's doing). */
  memberActions: number;
  tierUpgrades: number;
  tierDowngrades: number;
  events: number;
}

export const emptyLoyaltyDay = (day: string, customerId: string): LoyaltyDay => ({
  day,
  customerId,
  pointsEarned: 0,
  pointsRedeemed: 0,
  pointsExpired: 0,
  pointsAdjusted: 0,
  memberActions: 0,
  tierUpgrades: 0,
  tierDowngrades: 0,
  events: 0,
});

const LOYALTY_TYPES: ReadonlySet<string> = new Set(LOYALTY_EVENT_TYPES);
export const isLoyaltyEvent = (envelope: EventEnvelope): boolean => LOYALTY_TYPES.has(envelope.type);

export const loyaltyDayId = (envelope: EventEnvelope): string => `${dayOf(envelope.time)}|${envelope.subject}`;

export function evolveLoyaltyDay(state: LoyaltyDay | null, envelope: EventEnvelope): LoyaltyDay {
  const base: LoyaltyDay = { ...emptyLoyaltyDay(dayOf(envelope.time), envelope.subject), ...state };
  const d = { ...base, events: base.events + 1 };
  if (!isLoyaltyEvent(envelope)) return d;
  const event = envelope as unknown as LoyaltyEvent;
  switch (event.type) {
    case LOYALTY_POINTS_EARNED:
      return { ...d, pointsEarned: d.pointsEarned + event.data.points, memberActions: d.memberActions + 1 };
    case LOYALTY_POINTS_REDEEMED:
      return { ...d, pointsRedeemed: d.pointsRedeemed + event.data.points, memberActions: d.memberActions + 1 };
    case LOYALTY_REDEMPTION_REVERSED:
      return { ...d, pointsRedeemed: d.pointsRedeemed - event.data.points };
    case LOYALTY_POINTS_EXPIRED:
      return { ...d, pointsExpired: d.pointsExpired + event.data.points };
    case LOYALTY_POINTS_ADJUSTED:
      return { ...d, pointsAdjusted: d.pointsAdjusted + event.data.points };
    case LOYALTY_TIER_UPGRADED:
      return { ...d, tierUpgrades: d.tierUpgrades + 1 };
    case LOYALTY_TIER_DOWNGRADED:
      return { ...d, tierDowngrades: d.tierDowngrades + 1 };
    case LOYALTY_REWARD_ISSUED:
      return d;
    default: {
      const never: never = event;
      return never;
    }
  }
}
