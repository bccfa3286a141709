import type { CustomerEventRecord, EventEnvelope, LoyaltyEvent } from '@crm/contracts';
import type { NewEvent, StoredEvent } from '@crm/event-store';
import { envelopeFromStoredEvent, toNewEvent } from '@crm/messaging';

// Loyalty streams hold only loyalty events (this service is their one writer), so reading one
// back as the union is safe; the envelope mapping is the platform's own.
export const loyaltyEventFromStored = (stored: StoredEvent): LoyaltyEvent => envelopeFromStoredEvent(stored) as unknown as LoyaltyEvent;

export const loyaltyEventFromRecord = (record: CustomerEventRecord): LoyaltyEvent => record.envelope as unknown as LoyaltyEvent;

export const newEventFromLoyaltyEvent = (event: LoyaltyEvent): NewEvent => toNewEvent(event as unknown as EventEnvelope);
