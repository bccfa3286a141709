import { Schema } from 'mongoose';
import type { DocumentProjection, ReadModelRegistration } from '@crm/projections';
import { absorbCustomerSegments, evolveCustomerSegments, membershipChanges } from '@crm/segmentation-domain';
import type { SegmentCatalogue } from '../catalogue/segment-catalogue';
import { fromStored, toStored, type StoredCustomerSegments } from './customer-segments.document';
import { membershipEvent } from './membership-events';

export const CUSTOMER_SEGMENTS_MODEL = 'CustomerSegments';
export const CUSTOMER_SEGMENTS_COLLECTION = 'customer_segments';

/**
 * One document per customer, folded from the customer's own events, loyalty events and lifecycle
 * stage changes: the facts rules read and the segments they put the customer in, judged again on
 * every event of that customer only. Membership changes are derived as `crm.segment.entered` /
 * `crm.segment.exited` with the deciding conditions as reason; the id of each is made of the
 * causing event, so a refold derives the same ids. Segment sizes are counted from these
 * documents, never kept as counters.
 */
export function customerSegmentsProjection(catalogue: SegmentCatalogue): DocumentProjection<StoredCustomerSegments> {
  return {
    name: 'customer-segments',
    schemaVersion: 2,
    documentId: (record) => record.envelope.subject,
    evolve: (state, record) => toStored(evolveCustomerSegments(state ? fromStored(state) : null, record.envelope, catalogue.context), state),
    absorb: (survivor, merged, survivorId) =>
      toStored(absorbCustomerSegments(survivor ? fromStored(survivor) : null, fromStored(merged), survivorId, catalogue.context), survivor),
    derive: (before, after, record) => {
      if (!after || sameMembers(before?.segments ?? [], after.segments)) return [];
      const cause = { idParts: [record.envelope.id], causationId: record.envelope.id, correlationId: record.envelope.correlationId ?? record.envelope.id };
      return membershipChanges(before ? fromStored(before) : null, fromStored(after), catalogue.context).map((change) => membershipEvent(change, cause));
    },
  };
}

const sameMembers = (a: readonly string[], b: readonly string[]): boolean => a.length === b.length && a.every((id, i) => id === b[i]);

export const customerSegmentsSchema = new Schema({ _id: String }, { collection: CUSTOMER_SEGMENTS_COLLECTION, strict: false, versionKey: false, _id: false });
// Members of a segment in customer id order (multikey), and the count of members.
customerSegmentsSchema.index({ segments: 1, _id: 1 });
// The sweep's range: customers whose time-based conditions are due.
customerSegmentsSchema.index({ reevaluateAt: 1 });
// Every conditional write names exactly these fields. Unique because `_id` is; it exists so that
// servers which only use an index whose fields equal the filter's (the local MongoDB-wire server)
// find the document by index instead of scanning the collection on every write.
customerSegmentsSchema.index({ _id: 1, '_metadata.revision': 1, '_metadata.writes': 1 }, { unique: true, name: 'conditional_write' });

export function customerSegmentsReadModel(catalogue: SegmentCatalogue): ReadModelRegistration {
  return { name: CUSTOMER_SEGMENTS_MODEL, schema: customerSegmentsSchema, projection: customerSegmentsProjection(catalogue) as DocumentProjection<object> };
}
