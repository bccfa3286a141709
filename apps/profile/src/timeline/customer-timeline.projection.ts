import { Schema } from 'mongoose';
import { parseStreamId, StreamCategories, type CustomerEventRecord } from '@crm/contracts';
import { timelineEntryOf, type TimelineEntry } from '@crm/profile-domain';
import type { DocumentProjection, ReadModelRegistration } from '@crm/projections';

export const CUSTOMER_TIMELINE_MODEL = 'CustomerTimelineEntry';

/** A timeline entry as stored: `seq` orders entries of the same instant (the event's log position), `personal` marks details to scrub. */
export type StoredTimelineEntry = TimelineEntry & { readonly seq: string; readonly personal?: true };

/** Log positions are 64-bit: padded, they sort as strings. */
export const sequenceOf = (position: string): string => position.padStart(20, '0');

const isCustomerStream = (record: CustomerEventRecord): boolean =>
  record.streamId === undefined || parseStreamId(record.streamId)?.category === StreamCategories.customer;

/**
 * One document per customer event (its id is the document's), written once: a redelivered event
 * finds its document and changes nothing. Entries stay under the customer they happened to; a
 * survivor's timeline reads its merged customers' entries too.
 */
export const customerTimelineProjection: DocumentProjection<StoredTimelineEntry> = {
  name: 'customer-timeline',
  schemaVersion: 1,
  documentId: (record) => (isCustomerStream(record) ? record.envelope.id : null),
  evolve: (state, record) => {
    if (state) return state;
    const entry = timelineEntryOf(record.envelope);
    return { ...entry, time: new Date(entry.time).toISOString(), seq: sequenceOf(record.position), ...(entry.details ? { personal: true as const } : {}) };
  },
};

export const customerTimelineSchema = new Schema({ _id: String }, { collection: 'customer_timeline', strict: false, versionKey: false, _id: false });
// a page is a range of this index, newest first
customerTimelineSchema.index({ customerId: 1, time: -1, seq: -1 });
// erasure finds what is left to scrub
customerTimelineSchema.index({ customerId: 1, personal: 1 });

export const customerTimelineReadModel: ReadModelRegistration = {
  name: CUSTOMER_TIMELINE_MODEL,
  schema: customerTimelineSchema,
  projection: customerTimelineProjection as DocumentProjection<object>,
};
