import { CONSENT_GRANTED } from '../events/consent-granted.event';
import { CONSENT_WITHDRAWN } from '../events/consent-withdrawn.event';
import { CUSTOMER_ERASED } from '../events/customer-erased.event';
import { CUSTOMER_REGISTERED } from '../events/customer-registered.event';
import { IDENTITY_LINKED } from '../events/identity-linked.event';
import { LEAD_CAPTURED } from '../events/lead-captured.event';
import { OPPORTUNITY_STAGE_CHANGED } from '../events/opportunity-stage-changed.event';
import { ORDER_COMPLETED } from '../events/order-completed.event';
import { ORDER_PLACED } from '../events/order-placed.event';
import { ORDER_REFUNDED } from '../events/order-refunded.event';
import { PROFILE_UPDATED } from '../events/profile-updated.event';
import { SURVEY_ANSWERED } from '../events/survey-answered.event';
import { TICKET_OPENED } from '../events/ticket-opened.event';
import { TICKET_RESOLVED } from '../events/ticket-resolved.event';
import { TOUCHPOINT_RECORDED } from '../events/touchpoint-recorded.event';

/** A request as an integrator sends it (`POST /v1/events`, `crm.ingest.v1`). */
export interface ExampleEventRequest {
  readonly id?: string;
  readonly type: string;
  readonly customerId: string;
  readonly time?: string;
  readonly source?: string;
  readonly correlationId?: string;
  readonly causationId?: string;
  readonly data: Record<string, unknown>;
}

export interface CatalogueExample {
  /** Accepted by ingest and by the type's JSON Schema. */
  readonly valid: ExampleEventRequest;
  /** Refused by both; `invalidFields` are the field paths ingest reports, sorted. */
  readonly invalid: ExampleEventRequest;
  readonly invalidFields: readonly string[];
}

const base = (type: string, data: Record<string, unknown>): ExampleEventRequest => ({ type, customerId: 'c-1001', data });

/**
 * One valid and one invalid request per catalogue type, for tests, docs and property tests.
 * `customerId` is a placeholder: callers replace it to keep their streams apart.
 */
export const CATALOGUE_EXAMPLES: Readonly<Record<string, CatalogueExample>> = {
  [CUSTOMER_REGISTERED]: {
    valid: {
      ...base(CUSTOMER_REGISTERED, { email: 'ann.lee@example.com', firstName: 'Ann', lastName: 'Lee', country: 'DE', birthDate: '1990-04-01', acquisitionChannel: 'web' }),
      source: 'shop-web',
    },
    invalid: base(CUSTOMER_REGISTERED, { email: 'not-an-email', country: 'Germany' }),
    invalidFields: ['data.country', 'data.email'],
  },
  [PROFILE_UPDATED]: {
    valid: base(PROFILE_UPDATED, { contact: { email: 'ann@example.com', phone: '+49 30 1234567' }, lastName: 'Lee-Smith', preferences: { newsletter: 'weekly' } }),
    // the v1 shape (top-level email) is no longer accepted
    invalid: base(PROFILE_UPDATED, { email: 'ann@example.com', preferences: { newsletter: 7 } }),
    invalidFields: ['data.email', 'data.preferences'],
  },
  [IDENTITY_LINKED]: {
    valid: base(IDENTITY_LINKED, { kind: 'external_id', value: 'cus_81723', system: 'shopify' }),
    invalid: base(IDENTITY_LINKED, { kind: 'passport', value: '' }),
    invalidFields: ['data.kind', 'data.value'],
  },
  [CONSENT_GRANTED]: {
    valid: base(CONSENT_GRANTED, { channel: 'email', purpose: 'marketing', policyVersion: '2025-06' }),
    invalid: base(CONSENT_GRANTED, { channel: 'fax', purpose: 'marketing' }),
    invalidFields: ['data.channel'],
  },
  [CONSENT_WITHDRAWN]: {
    valid: base(CONSENT_WITHDRAWN, { channel: 'sms', purpose: 'personalisation' }),
    invalid: base(CONSENT_WITHDRAWN, { channel: 'sms' }),
    invalidFields: ['data.purpose'],
  },
  [TOUCHPOINT_RECORDED]: {
    valid: base(TOUCHPOINT_RECORDED, {
      channel: 'email',
      action: 'email_clicked',
      url: 'https://shop.example.com/sale?utm_source=newsletter',
      campaignId: 'spring-sale',
      metadata: { utm_source: 'newsletter' },
    }),
    invalid: base(TOUCHPOINT_RECORDED, { channel: 'web', action: 'page_viewed', url: 'not a url', sessionId: 's-1' }),
    invalidFields: ['data.sessionId', 'data.url'],
  },
  [LEAD_CAPTURED]: {
    valid: base(LEAD_CAPTURED, { source: 'webinar', campaignId: 'q3-webinar' }),
    invalid: base(LEAD_CAPTURED, { campaignId: 'q3-webinar' }),
    invalidFields: ['data.source'],
  },
  [OPPORTUNITY_STAGE_CHANGED]: {
    valid: base(OPPORTUNITY_STAGE_CHANGED, { opportunityId: 'opp-7', from: 'qualified', to: 'proposal', valueMinor: 1_250_000, currency: 'EUR' }),
    // a value needs its currency
    invalid: base(OPPORTUNITY_STAGE_CHANGED, { opportunityId: 'opp-7', to: 'signed', valueMinor: 1000 }),
    invalidFields: ['data.currency', 'data.to'],
  },
  [ORDER_PLACED]: {
    valid: base(ORDER_PLACED, { orderId: 'o-42', items: [{ sku: 'SKU-1', quantity: 2, unitPriceMinor: 1999, category: 'shoes' }], totalMinor: 3998, currency: 'EUR' }),
    invalid: base(ORDER_PLACED, { orderId: 'o-42', items: [], totalMinor: 39.98, currency: 'EUR' }),
    invalidFields: ['data.items', 'data.totalMinor'],
  },
  [ORDER_COMPLETED]: {
    valid: base(ORDER_COMPLETED, { orderId: 'o-42', totalMinor: 3998, currency: 'EUR', items: [{ sku: 'SKU-1', quantity: 2, unitPriceMinor: 1999 }] }),
    invalid: base(ORDER_COMPLETED, { orderId: 'o-42', totalMinor: 'ten', currency: 'EURO' }),
    invalidFields: ['data.currency', 'data.totalMinor'],
  },
  [ORDER_REFUNDED]: {
    valid: base(ORDER_REFUNDED, { orderId: 'o-42', amountMinor: 1999, currency: 'EUR', reason: 'damaged', items: [{ sku: 'SKU-1', quantity: 1, unitPriceMinor: 1999 }] }),
    invalid: base(ORDER_REFUNDED, { orderId: 'o-42', amountMinor: 0, currency: 'EUR', items: [{ sku: 'SKU-1', quantity: 0, unitPriceMinor: 1999 }] }),
    invalidFields: ['data.amountMinor', 'data.items.0.quantity'],
  },
  [TICKET_OPENED]: {
    valid: base(TICKET_OPENED, { ticketId: 't-9', channel: 'chat', subject: 'Parcel not delivered', priority: 'high' }),
    invalid: base(TICKET_OPENED, { ticketId: 't-9', channel: 'chat', subject: '', priority: 'critical' }),
    invalidFields: ['data.priority', 'data.subject'],
  },
  [TICKET_RESOLVED]: {
    valid: base(TICKET_RESOLVED, { ticketId: 't-9', resolvedAt: '2026-01-05T14:30:00.000Z', satisfaction: 4 }),
    invalid: base(TICKET_RESOLVED, { ticketId: 't-9', satisfaction: 6 }),
    invalidFields: ['data.satisfaction'],
  },
  [SURVEY_ANSWERED]: {
    valid: base(SURVEY_ANSWERED, { surveyId: 'nps-2026-q1', kind: 'nps', score: 9, comment: 'Fast delivery' }),
    // 9 is a fine NPS score but out of range for CSAT (1–5)
    invalid: base(SURVEY_ANSWERED, { surveyId: 'csat-support', kind: 'csat', score: 9 }),
    invalidFields: ['data.score'],
  },
  [CUSTOMER_ERASED]: {
    valid: { ...base(CUSTOMER_ERASED, { reason: 'GDPR art. 17 request', requestedBy: 'customer' }), correlationId: 'dsr-2026-0042' },
    invalid: base(CUSTOMER_ERASED, { reason: '', email: 'ann@example.com' }),
    invalidFields: ['data.email', 'data.reason'],
  },
};
