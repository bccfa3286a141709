import { customerDayReadModel } from './customer-day.read-model';
import { customerHistoryReadModel } from './customer-history.read-model';
import { customerMergeReadModel } from './customer-merge.read-model';
import { loyaltyDayReadModel } from './loyalty-day.read-model';
import { segmentMembershipReadModel } from './segment-membership.read-model';
import { ticketReadModel } from './ticket.read-model';

/** Every bucket the analytics service keeps incrementally from the event stream. */
export const ANALYTICS_READ_MODELS = [customerDayReadModel, loyaltyDayReadModel, customerHistoryReadModel, ticketReadModel, segmentMembershipReadModel, customerMergeReadModel];
