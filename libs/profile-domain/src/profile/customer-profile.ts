import type { ConsentChannel, ConsentPurpose, LifecycleStage } from '@crm/contracts';
import type { ProfileIdentifier } from '../identity/identifier';
import { initialLifecycleStatus, type LifecycleStatus } from '../lifecycle/lifecycle-status';
import type { CurrencyRevenue, OrderRecord } from './order-ledger';

export interface ConsentState {
  readonly granted: boolean;
  /** When it was given or withdrawn (the latest statement wins, whatever order they arrive in). */
  readonly at: string;
  readonly policyVersion?: string;
}

/** Consent per channel and purpose, e.g. `consents.email.marketing.granted`. Absent: never asked. */
export type ConsentMap = Partial<Record<ConsentChannel, Partial<Record<ConsentPurpose, ConsentState>>>>;

export interface SurveyScore {
  readonly score: number;
  readonly at: string;
  /** `survey` (crm.survey.answered) or `ticket` (a resolved ticket's satisfaction, CSAT only). */
  readonly source: 'survey' | 'ticket';
  /** The survey or ticket id. */
  readonly ref: string;
}

/** From `crm.loyalty-events.v1`: the balances after the account's last event, and the tier. */
export interface LoyaltySummary {
  readonly tier: string | null;
  readonly tierSince?: string;
  readonly balance: number;
  readonly lifetimeEarned: number;
  readonly updatedAt: string;
}

/** From `crm.segment-membership.v1`: a segment the customer is in now. */
export interface SegmentMembership {
  readonly segmentId: string;
  readonly segmentName: string;
  readonly segmentVersion: number;
  readonly since: string;
}

/** The customer 360 read model. */
export interface CustomerProfile {
  readonly customerId: string;

  // demographics and contact (personal: dropped on erasure)
  readonly email?: string;
  readonly phone?: string;
  readonly firstName?: string;
  readonly lastName?: string;
  readonly birthDate?: string;
  readonly preferences: Readonly<Record<string, string>>;
  readonly identifiers: readonly ProfileIdentifier[];
  readonly consents: ConsentMap;
  // not personal on their own: kept on erasure, so counts per country and channel stay right
  readonly country?: string;
  readonly acquisitionChannel?: string;
  readonly leadSource?: string;
  readonly registeredAt?: string;

  // activity
  /** Earliest and latest time of any event about the customer (merges and erasure aside). */
  readonly firstSeenAt?: string;
  readonly lastSeenAt?: string;
  /** Latest thing the customer did themselves (not e.g. an email we delivered). */
  readonly lastActivityAt?: string;
  /** Events of the customer's own stream applied to this document (not derived ones, not a merged customer's). */
  readonly eventCount: number;

  // purchases
  /** Completed orders, refunded or not. */
  readonly orders: number;
  /** Completed orders whose refunds reached their total: they do not count for the lifecycle. */
  readonly fullyRefundedOrders: number;
  /** Gross completed order totals per currency (integer minor units). */
  readonly revenueMinorByCurrency: Readonly<Record<string, number>>;
  /** Per currency: orders, gross, refunded, net, average order value. */
  readonly revenue: readonly CurrencyRevenue[];
  /** Refund events. */
  readonly refunds: number;
  readonly firstOrderAt?: string;
  readonly lastOrderAt?: string;
  /** The most recent orders (see `ORDER_HISTORY_LIMIT`), oldest first. */
  readonly orderHistory: readonly OrderRecord[];

  // service
  readonly openTickets: number;
  readonly ticketsOpened: number;
  readonly openTicketIds: readonly string[];
  /** Tickets resolved before their opening arrived (bounded), so a late opening does not count as open. */
  readonly resolvedTicketIds: readonly string[];
  readonly lastNps?: SurveyScore;
  readonly lastCsat?: SurveyScore;

  // sales and lifecycle
  /** First sign of buying intent, and which: what makes a lead a prospect. */
  readonly prospect?: { readonly since: string; readonly signal: string };
  /** The current stage (mirrors `lifecycle.stage`; indexed for searches). null until judged. */
  readonly lifecycleStage: LifecycleStage | null;
  readonly lifecycle: LifecycleStatus;

  // derived elsewhere
  readonly loyalty?: LoyaltySummary;
  readonly segments: readonly SegmentMembership[];

  // identity
  /** This customer is the same person as `mergedInto` (the survivor), since `mergedAt`. */
  readonly mergedInto?: string;
  readonly mergedAt?: string;
  /** Customers merged into this one (their figures are included). */
  readonly mergedFrom?: readonly string[];
  /** Personal data was erased at this time; later events add none. */
  readonly erasedAt?: string;
}

/** A customer the profile knows nothing about yet (derived events can arrive before the customer's own). */
export const emptyProfile = (customerId: string): CustomerProfile => ({
  customerId,
  preferences: {},
  identifiers: [],
  consents: {},
  eventCount: 0,
  orders: 0,
  fullyRefundedOrders: 0,
  revenueMinorByCurrency: {},
  revenue: [],
  refunds: 0,
  orderHistory: [],
  openTickets: 0,
  ticketsOpened: 0,
  openTicketIds: [],
  resolvedTicketIds: [],
  lifecycleStage: null,
  lifecycle: initialLifecycleStatus(),
  segments: [],
});
