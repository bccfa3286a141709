import {
  CONSENT_GRANTED,
  CONSENT_WITHDRAWN,
  CUSTOMER_ERASED,
  CUSTOMER_MERGED,
  CUSTOMER_REGISTERED,
  IDENTITY_LINKED,
  LEAD_CAPTURED,
  LIFECYCLE_STAGE_CHANGED,
  LOYALTY_EVENT_TYPES,
  LOYALTY_TIER_DOWNGRADED,
  LOYALTY_TIER_UPGRADED,
  OPPORTUNITY_STAGE_CHANGED,
  ORDER_COMPLETED,
  ORDER_PLACED,
  ORDER_REFUNDED,
  PROFILE_UPDATED,
  SEGMENT_ENTERED,
  SEGMENT_EXITED,
  SURVEY_ANSWERED,
  TICKET_OPENED,
  TICKET_RESOLVED,
  TOUCHPOINT_RECORDED,
  type ConsentChannel,
  type ConsentPurpose,
  type CustomerEvent,
  type EventEnvelope,
  type LifecycleStageChanged,
  type LoyaltyEvent,
  type SegmentMembershipEvent,
} from '@crm/contracts';
import { withIdentifier } from '../identity/identifier';
import { DEFAULT_LIFECYCLE_CONFIG, type LifecycleConfig } from '../lifecycle/lifecycle-config';
import { judgeEvent, reviewLifecycle } from '../lifecycle/lifecycle-status';
import { emptyProfile, type ConsentMap, type CustomerProfile, type SurveyScore } from './customer-profile';
import { lifecycleFactsOf } from './lifecycle-facts';
import { addRevenue, updateOrder } from './order-ledger';
import { withoutPersonalData } from './personal-data';

/** Tickets remembered as resolved-before-opened. */
const RESOLVED_TICKETS_LIMIT = 50;
/** Opportunity stages that show buying intent. */
const INTENT_STAGES = new Set(['qualified', 'proposal', 'negotiation', 'won']);

const LOYALTY_TYPES: ReadonlySet<string> = new Set(LOYALTY_EVENT_TYPES);

const later = (a: string | undefined, b: string): string => (a === undefined || Date.parse(b) > Date.parse(a) ? b : a);
const earlier = (a: string | undefined, b: string): string => (a === undefined || Date.parse(b) < Date.parse(a) ? b : a);
/** The newer of two timed statements; on equal times the one applied last wins. */
const newer = <T extends { at: string }>(current: T | undefined, next: T): T => (current === undefined || Date.parse(next.at) >= Date.parse(current.at) ? next : current);

/** Absent fields keep their value (and are not stored as nulls). */
const definedOnly = <T extends object>(fields: T): Partial<T> =>
  Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined)) as Partial<T>;

/**
 * Pure: the profile after one event — a customer event (`crm.customer-events.v1`), a loyalty event
 * (`crm.loyalty-events.v1`: tier and balances) or a segment membership event
 * (`crm.segment-membership.v1`). Customer events also move the lifecycle (`lifecycle.history`
 * gains the changes, which the service publishes). Unknown types count as a sighting only.
 */
export function evolveProfile(state: CustomerProfile | null, envelope: EventEnvelope, config: LifecycleConfig = DEFAULT_LIFECYCLE_CONFIG): CustomerProfile {
  const profile = state ?? emptyProfile(envelope.subject);
  if (LOYALTY_TYPES.has(envelope.type)) return applyLoyaltyEvent(profile, envelope as unknown as LoyaltyEvent);
  if (envelope.type === SEGMENT_ENTERED || envelope.type === SEGMENT_EXITED) return applySegmentEvent(profile, envelope as unknown as SegmentMembershipEvent);
  if (envelope.type === LIFECYCLE_STAGE_CHANGED) return applyLifecycleEvent(profile, envelope as unknown as LifecycleStageChanged, config);
  return applyCustomerEvent(profile, envelope as CustomerEvent, config);
}

/**
 * The profile's own published stage changes, read back from `crm.lifecycle-stages.v1`. Live, the
 * profile already holds them (nothing to do). In a rebuild from the log they are how the sweep's
 * decisions come back: the same review, done up to the change's time, records the same change.
 */
function applyLifecycleEvent(profile: CustomerProfile, event: LifecycleStageChanged, config: LifecycleConfig): CustomerProfile {
  const { from, to, at } = event.data;
  if (profile.mergedInto) return profile;
  if (profile.lifecycle.history.some((c) => c.from === from && c.to === to && c.at === at)) return profile;
  const lifecycle = reviewLifecycle(profile.lifecycle, lifecycleFactsOf(profile), at, config);
  return lifecycle === profile.lifecycle ? profile : { ...profile, lifecycle, lifecycleStage: lifecycle.stage };
}

/** What the customer did themselves; the rest (our emails, sales and support steps) is not activity. */
export function isCustomerActivity(event: EventEnvelope): boolean {
  const e = event as CustomerEvent;
  switch (e.type) {
    case CUSTOMER_REGISTERED:
    case PROFILE_UPDATED:
    case IDENTITY_LINKED:
    case CONSENT_GRANTED:
    case CONSENT_WITHDRAWN:
    case LEAD_CAPTURED:
    case ORDER_PLACED:
    case ORDER_COMPLETED:
    case ORDER_REFUNDED:
    case TICKET_OPENED:
    case SURVEY_ANSWERED:
      return true;
    case TOUCHPOINT_RECORDED:
      return e.data.action !== 'email_delivered';
    case OPPORTUNITY_STAGE_CHANGED:
    case TICKET_RESOLVED:
    case CUSTOMER_ERASED:
    case CUSTOMER_MERGED:
      return false;
    default:
      return false;
  }
}

function applyCustomerEvent(profile: CustomerProfile, event: CustomerEvent, config: LifecycleConfig): CustomerProfile {
  if (event.type === CUSTOMER_MERGED) {
    // Not the customer's own activity: their history stays; the stage freezes where it was (the
    // survivor carries on), so no review is scheduled for a merged customer any more.
    const { nextReviewAt: _frozen, ...lifecycle } = profile.lifecycle;
    return { ...profile, mergedInto: event.data.survivorId, mergedAt: event.time, lifecycle };
  }
  const seen: CustomerProfile = {
    ...profile,
    firstSeenAt: earlier(profile.firstSeenAt, event.time),
    lastSeenAt: later(profile.lastSeenAt, event.time),
    eventCount: profile.eventCount + 1,
    ...(isCustomerActivity(event as unknown as EventEnvelope) ? { lastActivityAt: later(profile.lastActivityAt, event.time) } : {}),
  };
  const applied = applyFacts(seen, event);
  const after = applied.erasedAt ? withoutPersonalData(applied) : applied;
  if (after.mergedInto) return after; // a merged customer's stage stays where it was
  const lifecycle = judgeEvent(profile.lifecycle, lifecycleFactsOf(profile), lifecycleFactsOf(after), event, config);
  return { ...after, lifecycle, lifecycleStage: lifecycle.stage };
}

function applyFacts(p: CustomerProfile, event: CustomerEvent): CustomerProfile {
  switch (event.type) {
    case CUSTOMER_REGISTERED: {
      const { email, firstName, lastName, country, birthDate, acquisitionChannel } = event.data;
      return {
        ...p,
        ...definedOnly({ email, firstName, lastName, country, birthDate, acquisitionChannel }),
        registeredAt: earlier(p.registeredAt, event.time),
        identifiers: email ? withIdentifier(p.identifiers, 'email', email, event.time) : p.identifiers,
        prospect: intent(p, 'registered', event.time),
      };
    }
    case PROFILE_UPDATED: {
      // schema version 2: email and phone arrive inside `contact` (stored v1 events go through `upcast` first)
      const { preferences, contact, ...fields } = event.data;
      let identifiers = p.identifiers;
      if (contact?.email) identifiers = withIdentifier(identifiers, 'email', contact.email, event.time);
      if (contact?.phone) identifiers = withIdentifier(identifiers, 'phone', contact.phone, event.time);
      return {
        ...p,
        ...definedOnly({ ...fields, email: contact?.email, phone: contact?.phone }),
        preferences: { ...p.preferences, ...(preferences ?? {}) },
        identifiers,
      };
    }
    case IDENTITY_LINKED:
      return { ...p, identifiers: withIdentifier(p.identifiers, event.data.kind, event.data.value, event.time, event.data.system) };
    case CONSENT_GRANTED:
      return {
        ...p,
        consents: withConsent(p.consents, event.data.channel, event.data.purpose, {
          granted: true,
          at: event.time,
          ...(event.data.policyVersion ? { policyVersion: event.data.policyVersion } : {}),
        }),
      };
    case CONSENT_WITHDRAWN:
      return { ...p, consents: withConsent(p.consents, event.data.channel, event.data.purpose, { granted: false, at: event.time }) };
    case TOUCHPOINT_RECORDED:
      return p; // a sighting (and activity); the touchpoint itself is in the timeline
    case LEAD_CAPTURED:
      // the first source is the one that brought the lead in
      return { ...p, leadSource: p.leadSource ?? event.data.source };
    case OPPORTUNITY_STAGE_CHANGED:
      return INTENT_STAGES.has(event.data.to) ? { ...p, prospect: intent(p, `opportunity ${event.data.to}`, event.time) } : p;
    case ORDER_PLACED:
      return { ...p, prospect: intent(p, 'order placed', event.time) };
    case ORDER_COMPLETED: {
      const { orderId, totalMinor, currency } = event.data;
      const { ledger, fullyRefundedDelta } = updateOrder(p.orderHistory, orderId, event.time, (o) => ({ ...o, currency, totalMinor, completedAt: event.time }), currency);
      return {
        ...p,
        orders: p.orders + 1,
        fullyRefundedOrders: p.fullyRefundedOrders + fullyRefundedDelta,
        revenueMinorByCurrency: { ...p.revenueMinorByCurrency, [currency]: (p.revenueMinorByCurrency[currency] ?? 0) + totalMinor },
        revenue: addRevenue(p.revenue, currency, { orders: 1, grossMinor: totalMinor }),
        orderHistory: ledger,
        firstOrderAt: earlier(p.firstOrderAt, event.time),
        lastOrderAt: later(p.lastOrderAt, event.time),
      };
    }
    case ORDER_REFUNDED: {
      const { orderId, amountMinor, currency } = event.data;
      const { ledger, fullyRefundedDelta } = updateOrder(p.orderHistory, orderId, event.time, (o) => ({ ...o, refundedMinor: o.refundedMinor + amountMinor }), currency);
      return {
        ...p,
        refunds: p.refunds + 1,
        fullyRefundedOrders: p.fullyRefundedOrders + fullyRefundedDelta,
        revenue: addRevenue(p.revenue, currency, { refundedMinor: amountMinor }),
        orderHistory: ledger,
      };
    }
    case TICKET_OPENED: {
      const { ticketId } = event.data;
      const resolvedEarlier = p.resolvedTicketIds.includes(ticketId);
      const open = resolvedEarlier || p.openTicketIds.includes(ticketId) ? p.openTicketIds : [...p.openTicketIds, ticketId];
      return {
        ...p,
        ticketsOpened: p.ticketsOpened + 1,
        openTicketIds: open,
        openTickets: open.length,
        resolvedTicketIds: resolvedEarlier ? p.resolvedTicketIds.filter((t) => t !== ticketId) : p.resolvedTicketIds,
      };
    }
    case TICKET_RESOLVED: {
      const { ticketId, satisfaction } = event.data;
      const wasOpen = p.openTicketIds.includes(ticketId);
      const open = p.openTicketIds.filter((t) => t !== ticketId);
      const csat: SurveyScore | undefined =
        satisfaction === undefined ? undefined : { score: satisfaction, at: event.data.resolvedAt ?? event.time, source: 'ticket', ref: ticketId };
      return {
        ...p,
        openTicketIds: open,
        openTickets: open.length,
        resolvedTicketIds: wasOpen ? p.resolvedTicketIds : [...p.resolvedTicketIds, ticketId].slice(-RESOLVED_TICKETS_LIMIT),
        ...(csat ? { lastCsat: newer(p.lastCsat, csat) } : {}),
      };
    }
    case SURVEY_ANSWERED: {
      const { kind, score, surveyId } = event.data;
      if (score === undefined || kind === 'free_text') return p; // free text lives in the timeline
      const answer: SurveyScore = { score, at: event.time, source: 'survey', ref: surveyId };
      return kind === 'nps' ? { ...p, lastNps: newer(p.lastNps, answer) } : { ...p, lastCsat: newer(p.lastCsat, answer) };
    }
    case CUSTOMER_ERASED:
      return { ...p, erasedAt: p.erasedAt ?? event.time };
    case CUSTOMER_MERGED:
      return p; // handled before any fact
    default:
      return unknownEvent(event, p);
  }
}

/** A type this version does not know (a newer producer): a sighting only. */
const unknownEvent = (_event: never, p: CustomerProfile): CustomerProfile => p;

function intent(p: CustomerProfile, signal: string, time: string): CustomerProfile['prospect'] {
  if (p.prospect && Date.parse(p.prospect.since) <= Date.parse(time)) return p.prospect;
  return { since: time, signal };
}

function withConsent(consents: ConsentMap, channel: ConsentChannel, purpose: ConsentPurpose, state: { granted: boolean; at: string; policyVersion?: string }): ConsentMap {
  const byPurpose = consents[channel] ?? {};
  return { ...consents, [channel]: { ...byPurpose, [purpose]: newer(byPurpose[purpose], state) } };
}

function applyLoyaltyEvent(p: CustomerProfile, event: LoyaltyEvent): CustomerProfile {
  const current = p.loyalty ?? { tier: null, balance: 0, lifetimeEarned: 0, updatedAt: event.time };
  const data = event.data as Partial<{ balance: number; lifetimeEarned: number; to: string }>;
  const balances = typeof data.balance === 'number' && typeof data.lifetimeEarned === 'number' ? { balance: data.balance, lifetimeEarned: data.lifetimeEarned } : {};
  const tier = (event.type === LOYALTY_TIER_UPGRADED || event.type === LOYALTY_TIER_DOWNGRADED) && data.to ? { tier: data.to, tierSince: event.time } : {};
  // the loyalty stream is applied in order: its last event states the balances
  return { ...p, loyalty: { ...current, ...balances, ...tier, updatedAt: later(current.updatedAt, event.time) } };
}

function applySegmentEvent(p: CustomerProfile, event: SegmentMembershipEvent): CustomerProfile {
  const { segmentId, segmentName, segmentVersion, at } = event.data;
  const others = p.segments.filter((s) => s.segmentId !== segmentId);
  if (event.type === SEGMENT_EXITED) return { ...p, segments: others };
  const since = p.segments.find((s) => s.segmentId === segmentId)?.since ?? at;
  return { ...p, segments: [...others, { segmentId, segmentName, segmentVersion, since }].sort((a, b) => a.segmentId.localeCompare(b.segmentId)) };
}
