import type { CustomerRegistered } from './customer-registered.event';
import type { OrderCompleted } from './order-completed.event';
import type { ProfileUpdated } from './profile-updated.event';

/** Every customer event the platform stores; read sides switch over `type` exhaustively. */
export type CustomerEvent = CustomerRegistered | ProfileUpdated | OrderCompleted;
