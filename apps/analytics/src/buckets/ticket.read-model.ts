import { Schema } from 'mongoose';
import { BUCKET_KEYS, evolveTicket, type Ticket } from '@crm/analytics-domain';
import type { DocumentProjection, ReadModelRegistration } from '@crm/projections';
import { fromStream } from './stream-lane';

export const TICKET_MODEL = 'Ticket';

/** One document per support ticket (`customerId|ticketId`): resolution-time percentiles need each time. */
export const ticketProjection: DocumentProjection<Ticket> = {
  name: 'ticket',
  schemaVersion: 1,
  documentId: (record) => (fromStream(record, 'customer') ? BUCKET_KEYS.ticket(record.envelope) : null),
  evolve: (state, record) => evolveTicket(state, record.envelope),
};

export const ticketSchema = new Schema({ _id: String }, { collection: 'tickets', strict: false, versionKey: false, _id: false });
ticketSchema.index({ resolvedDay: 1 });

export const ticketReadModel: ReadModelRegistration = {
  name: TICKET_MODEL,
  schema: ticketSchema,
  projection: ticketProjection as DocumentProjection<object>,
};
