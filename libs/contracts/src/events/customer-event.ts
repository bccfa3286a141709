import type { ConsentGranted } from './consent-granted.event';
import type { ConsentWithdrawn } from './consent-withdrawn.event';
import type { CustomerErased } from './customer-erased.event';
import type { CustomerMerged } from './customer-merged.event';
import type { CustomerRegistered } from './customer-registered.event';
import type { IdentityLinked } from './identity-linked.event';
import type { LeadCaptured } from './lead-captured.event';
import type { OpportunityStageChanged } from './opportunity-stage-changed.event';
import type { OrderCompleted } from './order-completed.event';
import type { OrderPlaced } from './order-placed.event';
import type { OrderRefunded } from './order-refunded.event';
import type { ProfileUpdated } from './profile-updated.event';
import type { SurveyAnswered } from './survey-answered.event';
import type { TicketOpened } from './ticket-opened.event';
import type { TicketResolved } from './ticket-resolved.event';
import type { TouchpointRecorded } from './touchpoint-recorded.event';

/**
 * Every customer event the platform stores, in its current schema version (older stored versions
 * are brought up to date by `upcast`); read sides switch over `type` exhaustively.
 */
export type CustomerEvent =
  | CustomerRegistered
  | ProfileUpdated
  | IdentityLinked
  | ConsentGranted
  | ConsentWithdrawn
  | TouchpointRecorded
  | LeadCaptured
  | OpportunityStageChanged
  | OrderPlaced
  | OrderCompleted
  | OrderRefunded
  | TicketOpened
  | TicketResolved
  | SurveyAnswered
  | CustomerErased
  | CustomerMerged;
