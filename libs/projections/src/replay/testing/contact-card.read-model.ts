import { Schema } from 'mongoose';
import {
  CUSTOMER_MERGED,
  LIFECYCLE_STAGE_CHANGED,
  lifecycleStreamId,
  parseStreamId,
  type CustomerEventRecord,
  type LifecycleStageChangedData,
} from '@crm/contracts';
import { derivedEventId } from '../../derived-events';
import type { DerivedEvent, DocumentProjection } from '../../document-projection';
import type { ReadModelRegistration } from '../../nest/read-side.options';

/**
 * A small read model for replay tests, built like the services' ones: keyed by customer id,
 * folding the customer's own stream and its lifecycle stream, absorbing merged customers, and
 * deriving a fact (a lifecycle stage change at the second order) that it folds back in.
 */
export interface ContactCard {
  readonly customerId: string;
  readonly email: string | null;
  readonly phone: string | null;
  readonly orders: number;
  readonly revenueMinor: number;
  readonly stage: string | null;
  readonly events: number;
  readonly mergedInto?: string;
}

const customerOf = (record: CustomerEventRecord): string =>
  (record.streamId !== undefined ? parseStreamId(record.streamId)?.customerId : undefined) ?? record.envelope.subject;

export const CONTACT_CARD_PROJECTION = 'contact-card';

export const contactCardProjection: DocumentProjection<ContactCard> = {
  name: CONTACT_CARD_PROJECTION,
  schemaVersion: 1,
  documentId: customerOf,
  evolve(state, record) {
    const { type, data } = record.envelope as { type: string; data: Record<string, unknown> };
    const card: ContactCard = state ?? { customerId: customerOf(record), email: null, phone: null, orders: 0, revenueMinor: 0, stage: null, events: 0 };
    const counted = { ...card, events: card.events + 1 };
    switch (type) {
      case 'crm.customer.registered':
        return { ...counted, email: String(data['email']) };
      case 'crm.profile.updated': {
        // v2 shape only: stored v1 events reach the projection upcast
        const contact = (data['contact'] ?? {}) as { email?: string; phone?: string };
        return { ...counted, email: contact.email ?? card.email, phone: contact.phone ?? card.phone };
      }
      case 'crm.order.completed':
        return { ...counted, orders: card.orders + 1, revenueMinor: card.revenueMinor + Number(data['totalMinor']) };
      case CUSTOMER_MERGED:
        return { ...counted, mergedInto: String(data['survivorId']) };
      case 'crm.customer.erased':
        return null;
      case LIFECYCLE_STAGE_CHANGED:
        return { ...counted, stage: String(data['to']) };
      default:
        return counted;
    }
  },
  absorb(survivor, merged, survivorId) {
    const base: ContactCard = survivor ?? { customerId: survivorId, email: null, phone: null, orders: 0, revenueMinor: 0, stage: null, events: 0 };
    return { ...base, email: base.email ?? merged.email, orders: base.orders + merged.orders, revenueMinor: base.revenueMinor + merged.revenueMinor };
  },
  derive(before, after, record): DerivedEvent[] {
    if (record.envelope.type !== 'crm.order.completed' || !after || (before?.orders ?? 0) >= 2 || after.orders < 2) return [];
    const data: LifecycleStageChangedData = { from: null, to: 'repeat-customer', reason: '2nd completed order', reactivation: false, at: record.envelope.time };
    const customerId = customerOf(record);
    return [
      {
        streamId: lifecycleStreamId(customerId),
        envelope: {
          id: derivedEventId(CONTACT_CARD_PROJECTION, record.envelope.id, 'repeat-customer'),
          type: LIFECYCLE_STAGE_CHANGED,
          schemaVersion: 1,
          source: 'contact-card',
          subject: customerId,
          time: record.envelope.time,
          data: data as unknown as Record<string, unknown>,
        },
      },
    ];
  },
};

export const contactCardSchema = new Schema({ _id: String }, { collection: 'contact_cards', strict: false, versionKey: false, _id: false });
contactCardSchema.index({ email: 1 });
contactCardSchema.index({ stage: 1, orders: -1 });

export const contactCardReadModel: ReadModelRegistration = {
  name: 'ContactCard',
  schema: contactCardSchema,
  projection: contactCardProjection as DocumentProjection<object>,
};
