import { CUSTOMER_REGISTERED, CustomerRegisteredData } from './customer-registered.event';
import { ORDER_COMPLETED, OrderCompletedData } from './order-completed.event';
import { PROFILE_UPDATED, ProfileUpdatedData } from './profile-updated.event';

/** One entry per stored event type: the `type` string is the contract, never derived from a class name. */
export interface EventTypeDefinition {
  readonly type: string;
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
    schemaVersion: 1,
    dataClass: ProfileUpdatedData,
    description: 'Demographics, contact details or preferences changed; absent fields keep their value.',
  },
  {
    type: ORDER_COMPLETED,
    schemaVersion: 1,
    dataClass: OrderCompletedData,
    description: 'A purchase was completed; amounts are integer minor units.',
  },
];

const byType = new Map(EVENT_CATALOGUE.map((d) => [d.type, d]));

export const CUSTOMER_EVENT_TYPES: readonly string[] = EVENT_CATALOGUE.map((d) => d.type);

export const findEventType = (type: string): EventTypeDefinition | undefined => byType.get(type);
