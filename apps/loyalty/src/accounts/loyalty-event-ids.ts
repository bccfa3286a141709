import { v5 as uuidv5 } from 'uuid';

// Fixed: the same command on the same stream always names the same events, in every process.
const LOYALTY_EVENT_NAMESPACE = '3b0c5c0e-8d1a-5f42-9b7e-7a4f3c2d1e0f';

/** Deterministic event id: the stream, the command's idempotency key and the event's place in the decision. */
export const loyaltyEventId = (streamId: string, key: string, index: number): string => uuidv5(`${streamId}\u001f${key}\u001f${index}`, LOYALTY_EVENT_NAMESPACE);

/** A customer's request id names one redemption on one account, whoever else uses the same request id. */
export const redemptionIdFor = (customerId: string, requestId: string): string => uuidv5(`redemption\u001f${customerId}\u001f${requestId}`, LOYALTY_EVENT_NAMESPACE);

/** The code printed on an issued reward: short, and the same for every retry of the redemption. */
export const rewardCodeFor = (redemptionId: string): string => uuidv5(`reward-code\u001f${redemptionId}`, LOYALTY_EVENT_NAMESPACE).replace(/-/g, '').slice(0, 12).toUpperCase();
