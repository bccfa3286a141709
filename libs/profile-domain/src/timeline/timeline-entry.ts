import {
  CONSENT_GRANTED,
  CONSENT_WITHDRAWN,
  CUSTOMER_ERASED,
  CUSTOMER_MERGED,
  CUSTOMER_REGISTERED,
  IDENTITY_LINKED,
  LEAD_CAPTURED,
  OPPORTUNITY_STAGE_CHANGED,
  ORDER_COMPLETED,
  ORDER_PLACED,
  ORDER_REFUNDED,
  PROFILE_UPDATED,
  SURVEY_ANSWERED,
  TICKET_OPENED,
  TICKET_RESOLVED,
  TOUCHPOINT_RECORDED,
  type CustomerEvent,
  type EventEnvelope,
} from '@crm/contracts';

/** One line of a customer's timeline: what happened, where, when. */
export interface TimelineEntry {
  readonly eventId: string;
  readonly customerId: string;
  readonly type: string;
  /** Where it happened (`web`, `email`, `store`, …) when the event says. */
  readonly channel?: string;
  /** One line without personal content, safe to keep after erasure. */
  readonly summary: string;
  readonly time: string;
  /** What the customer wrote, viewed or gave (a ticket subject, a comment, a URL, contact details): dropped on erasure. */
  readonly details?: Readonly<Record<string, unknown>>;
}

const humanise = (token: string): string => {
  const words = token.replace(/[_-]+/g, ' ').trim();
  return words.charAt(0).toUpperCase() + words.slice(1);
};

/** `2500 EUR` → `25.00 EUR`, with the currency's own minor digits. */
export function formatMinor(amountMinor: number, currency: string): string {
  let digits = 2;
  try {
    digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    // an unknown code: two digits, as most currencies
  }
  return `${(amountMinor / 10 ** digits).toFixed(digits)} ${currency}`;
}

const compact = (details: Record<string, unknown>): Record<string, unknown> | undefined => {
  const kept = Object.fromEntries(Object.entries(details).filter(([, v]) => v !== undefined));
  return Object.keys(kept).length > 0 ? kept : undefined;
};

/**
 * Pure: the timeline entry of a customer event. Personal content goes to `details` only, so the
 * summary can stay when the customer is erased. Unknown types still get a line (their type).
 */
export function timelineEntryOf(envelope: EventEnvelope): TimelineEntry {
  const base = { eventId: envelope.id, customerId: envelope.subject, type: envelope.type, time: envelope.time };
  const line = describe(envelope as CustomerEvent);
  const details = line.details ? compact(line.details) : undefined;
  return { ...base, ...(line.channel ? { channel: line.channel } : {}), summary: line.summary, ...(details ? { details } : {}) };
}

/** The entry as kept after erasure: no personal content. */
export function erasedTimelineEntry(entry: TimelineEntry): TimelineEntry {
  const { details: _dropped, ...rest } = entry;
  return rest;
}

interface Line {
  summary: string;
  channel?: string;
  details?: Record<string, unknown>;
}

function describe(event: CustomerEvent): Line {
  switch (event.type) {
    case CUSTOMER_REGISTERED: {
      const { email, firstName, lastName, birthDate, acquisitionChannel, country } = event.data;
      return {
        summary: `Registered${acquisitionChannel ? ` via ${acquisitionChannel}` : ''}${country ? ` (${country})` : ''}`,
        details: { email, firstName, lastName, birthDate },
      };
    }
    case PROFILE_UPDATED: {
      const { contact, preferences, ...rest } = event.data;
      const fields = [
        ...Object.keys(contact ?? {}).map((k) => `contact.${k}`),
        ...Object.keys(rest),
        ...Object.keys(preferences ?? {}).map((k) => `preferences.${k}`),
      ];
      return { summary: `Profile updated: ${fields.join(', ') || 'nothing'}`, details: { ...(contact ?? {}), ...rest, ...(preferences ? { preferences } : {}) } };
    }
    case IDENTITY_LINKED:
      return { summary: `Linked ${event.data.kind.replace('_', ' ')}${event.data.system ? ` (${event.data.system})` : ''}`, details: { value: event.data.value } };
    case CONSENT_GRANTED:
      return {
        summary: `Consent granted: ${event.data.purpose} by ${event.data.channel}${event.data.policyVersion ? ` (policy ${event.data.policyVersion})` : ''}`,
        channel: event.data.channel,
      };
    case CONSENT_WITHDRAWN:
      return { summary: `Consent withdrawn: ${event.data.purpose} by ${event.data.channel}`, channel: event.data.channel };
    case TOUCHPOINT_RECORDED:
      return {
        summary: `${humanise(event.data.action)}${event.data.campaignId ? ` (campaign ${event.data.campaignId})` : ''}`,
        channel: event.data.channel,
        details: { url: event.data.url, metadata: event.data.metadata },
      };
    case LEAD_CAPTURED:
      return { summary: `Lead captured from ${event.data.source}${event.data.campaignId ? ` (campaign ${event.data.campaignId})` : ''}` };
    case OPPORTUNITY_STAGE_CHANGED: {
      const { opportunityId, from, to, valueMinor, currency } = event.data;
      const value = valueMinor !== undefined && currency ? `, ${formatMinor(valueMinor, currency)}` : '';
      return { summary: `Opportunity ${opportunityId} ${from ? `moved from ${from} to ${to}` : `at ${to}`}${value}` };
    }
    case ORDER_PLACED:
      return { summary: `Placed order ${event.data.orderId}: ${formatMinor(event.data.totalMinor, event.data.currency)}, ${event.data.items.length} item${event.data.items.length === 1 ? '' : 's'}` };
    case ORDER_COMPLETED:
      return { summary: `Completed order ${event.data.orderId}: ${formatMinor(event.data.totalMinor, event.data.currency)}` };
    case ORDER_REFUNDED:
      return { summary: `Refund on order ${event.data.orderId}: ${formatMinor(event.data.amountMinor, event.data.currency)}`, details: { reason: event.data.reason } };
    case TICKET_OPENED:
      return { summary: `Opened ticket ${event.data.ticketId} (${event.data.priority} priority)`, channel: event.data.channel, details: { subject: event.data.subject } };
    case TICKET_RESOLVED:
      return { summary: `Resolved ticket ${event.data.ticketId}${event.data.satisfaction !== undefined ? `, rated ${event.data.satisfaction}/5` : ''}` };
    case SURVEY_ANSWERED: {
      const { surveyId, kind, score, comment } = event.data;
      const scored = kind === 'nps' ? `NPS ${score}/10` : kind === 'csat' ? `CSAT ${score}/5` : 'free text';
      return { summary: `Answered survey ${surveyId}: ${scored}`, details: { comment } };
    }
    case CUSTOMER_ERASED:
      return { summary: 'Personal data erased' };
    case CUSTOMER_MERGED:
      return { summary: `Merged into customer ${event.data.survivorId}` };
    default:
      return unknownLine(event);
  }
}

/** A type this version does not know: its type is the line. */
const unknownLine = (event: never): Line => ({ summary: (event as EventEnvelope).type });
