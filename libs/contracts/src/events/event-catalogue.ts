import { CONSENT_GRANTED, ConsentGrantedData } from './consent-granted.event';
import { CONSENT_WITHDRAWN, ConsentWithdrawnData } from './consent-withdrawn.event';
import { CUSTOMER_ERASED, CustomerErasedData } from './customer-erased.event';
import { CUSTOMER_MERGED, CUSTOMER_MERGED_SCHEMA_VERSION, CustomerMergedData } from './customer-merged.event';
import { CUSTOMER_REGISTERED, CustomerRegisteredData } from './customer-registered.event';
import { IDENTITY_LINKED, IdentityLinkedData } from './identity-linked.event';
import { LEAD_CAPTURED, LeadCapturedData } from './lead-captured.event';
import { OPPORTUNITY_STAGE_CHANGED, OpportunityStageChangedData } from './opportunity-stage-changed.event';
import { ORDER_COMPLETED, OrderCompletedData } from './order-completed.event';
import { ORDER_PLACED, OrderPlacedData } from './order-placed.event';
import { ORDER_REFUNDED, OrderRefundedData } from './order-refunded.event';
import { PROFILE_UPDATED, PROFILE_UPDATED_SCHEMA_VERSION, ProfileUpdatedData } from './profile-updated.event';
import { SURVEY_ANSWERED, SurveyAnsweredData } from './survey-answered.event';
import { TICKET_OPENED, TicketOpenedData } from './ticket-opened.event';
import { TICKET_RESOLVED, TicketResolvedData } from './ticket-resolved.event';
import { TOUCHPOINT_RECORDED, TouchpointRecordedData } from './touchpoint-recorded.event';

/** One entry per stored event type: the `type` string is the contract, never derived from a class name. */
export interface EventTypeDefinition {
  readonly type: string;
  /** The current version: what ingest accepts and stamps; older stored versions go through `upcast`. */
  readonly schemaVersion: number;
  readonly dataClass: new () => object;
  readonly description: string;
}

export const EVENT_CATALOGUE: readonly EventTypeDefinition[] = [
  {
    type: CUSTOMER_REGISTERED,
    schemaVersion: 1,
    dataClass: CustomerRegisteredData,
    description: 'A customer signed up or was created by an integrated system.',
  },
  {
    type: PROFILE_UPDATED,
    schemaVersion: PROFILE_UPDATED_SCHEMA_VERSION,
    dataClass: ProfileUpdatedData,
    description:
      'Demographics, contact details (`contact.email`, `contact.phone`) or preferences changed; absent fields keep their value. v1 had `email`/`phone` at the top level.',
  },
  {
    type: IDENTITY_LINKED,
    schemaVersion: 1,
    dataClass: IdentityLinkedData,
    description: 'Another identifier (email, phone, external id, device id) was linked to the customer.',
  },
  {
    type: CONSENT_GRANTED,
    schemaVersion: 1,
    dataClass: ConsentGrantedData,
    description: 'The customer consented to contact on a channel for a purpose.',
  },
  {
    type: CONSENT_WITHDRAWN,
    schemaVersion: 1,
    dataClass: ConsentWithdrawnData,
    description: 'The customer withdrew consent for a channel and purpose.',
  },
  {
    type: TOUCHPOINT_RECORDED,
    schemaVersion: 1,
    dataClass: TouchpointRecordedData,
    description: 'An interaction on a channel: a page view, an email open or click, an app open, a store visit, a campaign response.',
  },
  {
    type: LEAD_CAPTURED,
    schemaVersion: 1,
    dataClass: LeadCapturedData,
    description: 'A prospect left their details; `source` says where.',
  },
  {
    type: OPPORTUNITY_STAGE_CHANGED,
    schemaVersion: 1,
    dataClass: OpportunityStageChangedData,
    description: 'A sales opportunity moved to another stage (lead → qualified → proposal → negotiation → won | lost).',
  },
  {
    type: ORDER_PLACED,
    schemaVersion: 1,
    dataClass: OrderPlacedData,
    description: 'An order was placed (not yet completed); amounts are integer minor units.',
  },
  {
    type: ORDER_COMPLETED,
    schemaVersion: 1,
    dataClass: OrderCompletedData,
    description: 'A purchase was completed; amounts are integer minor units.',
  },
  {
    type: ORDER_REFUNDED,
    schemaVersion: 1,
    dataClass: OrderRefundedData,
    description: 'Money was refunded for (part of) an order; amounts are integer minor units.',
  },
  {
    type: TICKET_OPENED,
    schemaVersion: 1,
    dataClass: TicketOpenedData,
    description: 'The customer opened a support ticket.',
  },
  {
    type: TICKET_RESOLVED,
    schemaVersion: 1,
    dataClass: TicketResolvedData,
    description: 'A support ticket was resolved, optionally rated 1–5 by the customer.',
  },
  {
    type: SURVEY_ANSWERED,
    schemaVersion: 1,
    dataClass: SurveyAnsweredData,
    description: 'The customer answered a survey: NPS score 0–10, CSAT score 1–5, or free text.',
  },
  {
    type: CUSTOMER_ERASED,
    schemaVersion: 1,
    dataClass: CustomerErasedData,
    description: 'The customer asked to be forgotten: read sides must drop their personal data.',
  },
];

/**
 * Types ingest itself produces and stores (never accepted from integrators, so not in
 * `EVENT_CATALOGUE`, the catalogue of what may be sent): read sides fold them like any other.
 */
export const DERIVED_EVENT_CATALOGUE: readonly EventTypeDefinition[] = [
  {
    type: CUSTOMER_MERGED,
    schemaVersion: CUSTOMER_MERGED_SCHEMA_VERSION,
    dataClass: CustomerMergedData,
    description:
      'Ingest found this customer to be the same person as `survivorId` (an identity linked to the survivor belonged to this one). Stored in the merged customer\'s stream; read models show the survivor.',
  },
];

const byType = new Map(EVENT_CATALOGUE.map((d) => [d.type, d]));
const storedByType = new Map([...EVENT_CATALOGUE, ...DERIVED_EVENT_CATALOGUE].map((d) => [d.type, d]));

export const CUSTOMER_EVENT_TYPES: readonly string[] = EVENT_CATALOGUE.map((d) => d.type);

/** A type integrators may send (what ingest validates against). */
export const findEventType = (type: string): EventTypeDefinition | undefined => byType.get(type);

/** Any type the event store may hold: sent by integrators or derived by ingest. */
export const findStoredEventType = (type: string): EventTypeDefinition | undefined => storedByType.get(type);
