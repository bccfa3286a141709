import { CUSTOMER_MERGED, LIFECYCLE_STAGE_CHANGED, type EventEnvelope } from '@crm/contracts';
import { customerDayId } from './customer-day';
import { customerMergeKey } from './customer-merge';
import { isLoyaltyEvent, loyaltyDayId } from './loyalty-day';
import { isSegmentMembershipEvent } from './segment-membership';
import { ticketDocumentId, ticketIdOf } from './ticket';

/** An event of the customer's own stream (what integrators send, and the merge), not a derived fact. */
export const isCustomerStreamEvent = (envelope: EventEnvelope): boolean =>
  !isLoyaltyEvent(envelope) && !isSegmentMembershipEvent(envelope) && envelope.type !== LIFECYCLE_STAGE_CHANGED;

/**
 * Which document of each bucket an event changes (null: none). Each document belongs to one
 * customer and folds one stream, as the projections' revision guard requires.
 */
export const BUCKET_KEYS = {
  /** `YYYY-MM-DD|customerId`; a merge is not activity. */
  customerDay: (e: EventEnvelope): string | null => (isCustomerStreamEvent(e) && e.type !== CUSTOMER_MERGED ? customerDayId(e) : null),
  /** `YYYY-MM-DD|customerId` */
  loyaltyDay: (e: EventEnvelope): string | null => (isLoyaltyEvent(e) ? loyaltyDayId(e) : null),
  /** customer id */
  customerHistory: (e: EventEnvelope): string | null => (isCustomerStreamEvent(e) ? e.subject : null),
  /** `customerId|ticketId` */
  ticket: (e: EventEnvelope): string | null => {
    const ticketId = isCustomerStreamEvent(e) ? ticketIdOf(e) : null;
    return ticketId === null ? null : ticketDocumentId(e.subject, ticketId);
  },
  /** merged customer's id */
  merge: (e: EventEnvelope): string | null => (isCustomerStreamEvent(e) ? customerMergeKey(e) : null),
  /** customer id */
  segmentMembership: (e: EventEnvelope): string | null => (isSegmentMembershipEvent(e) ? e.subject : null),
} as const;
