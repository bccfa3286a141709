import { Schema } from 'mongoose';
import { absorbCustomerSegments, BUILT_IN_SEGMENTS, evolveCustomerSegments, type CustomerSegments } from '@crm/segmentation-domain';
import type { DocumentProjection, ReadModelRegistration } from '@crm/projections';

export const CUSTOMER_SEGMENTS_MODEL = 'CustomerSegments';

/**
 * One document per customer holding the facts the rules read and the segments they match.
 * Segment sizes are counted from these documents at query time, so a redelivered event
 * (skipped by the per-customer revision guard) can never inflate them.
 */
export const customerSegmentsProjection: DocumentProjection<CustomerSegments> = {
  name: 'customer-segments',
  schemaVersion: 1,
  documentId: (record) => record.envelope.subject,
  evolve: (state, record) => evolveCustomerSegments(state, record.envelope, BUILT_IN_SEGMENTS),
  absorb: (survivor, merged, survivorId) => absorbCustomerSegments(survivor, merged, survivorId, BUILT_IN_SEGMENTS),
};

export const customerSegmentsSchema = new Schema(
  { _id: String },
  { collection: 'customer_segments', strict: false, versionKey: false, _id: false },
);
// Serves both the member count and the member listing of a segment (multikey over the array).
customerSegmentsSchema.index({ segments: 1 });

export const customerSegmentsReadModel: ReadModelRegistration = {
  name: CUSTOMER_SEGMENTS_MODEL,
  schema: customerSegmentsSchema,
  projection: customerSegmentsProjection as DocumentProjection<object>,
};
