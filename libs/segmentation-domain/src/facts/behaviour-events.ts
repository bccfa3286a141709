import {
  CONSENT_GRANTED,
  CONSENT_WITHDRAWN,
  CUSTOMER_REGISTERED,
  LEAD_CAPTURED,
  OPPORTUNITY_STAGE_CHANGED,
  ORDER_COMPLETED,
  ORDER_PLACED,
  ORDER_REFUNDED,
  PROFILE_UPDATED,
  SURVEY_ANSWERED,
  TICKET_OPENED,
  TICKET_RESOLVED,
  TOUCHPOINT_ACTIONS,
  TOUCHPOINT_RECORDED,
} from '@crm/contracts';

/** Customer events whose times are kept, so rules can count them over a time window. */
export const BEHAVIOUR_EVENT_TYPES = [
  CUSTOMER_REGISTERED,
  PROFILE_UPDATED,
  CONSENT_GRANTED,
  CONSENT_WITHDRAWN,
  TOUCHPOINT_RECORDED,
  LEAD_CAPTURED,
  OPPORTUNITY_STAGE_CHANGED,
  ORDER_PLACED,
  ORDER_COMPLETED,
  ORDER_REFUNDED,
  TICKET_OPENED,
  TICKET_RESOLVED,
  SURVEY_ANSWERED,
] as const;
export type BehaviourEventType = (typeof BEHAVIOUR_EVENT_TYPES)[number];

/** Touchpoints are also kept per action ("opened an email"), the one qualifier rules may use. */
export const BEHAVIOUR_ACTIONS: readonly string[] = TOUCHPOINT_ACTIONS;

/**
 * History is kept compact: per kind of event, the times of the latest `ACTIVITY_KEEP` events and
 * none older than `MAX_WINDOW_DAYS` before the customer's clock. Counting is then exact for every
 * threshold a rule may use (at most `MAX_COUNT_THRESHOLD`): an event that fell off the list is
 * older than every kept one, so it has left any window before a kept one does.
 */
export const ACTIVITY_KEEP = 50;
export const MAX_COUNT_THRESHOLD = ACTIVITY_KEEP - 1;
export const MAX_WINDOW_DAYS = 730;
export const DAY_MS = 86_400_000;

/** Key of a kind of event in the history: the type, or `type#action` for a touchpoint action. */
export const activityKey = (type: string, action?: string): string => (action ? `${type}#${action}` : type);
