import { Schema } from 'mongoose';
import { BUCKET_KEYS, evolveSegmentMembership, type SegmentMembership } from '@crm/analytics-domain';
import type { DocumentProjection, ReadModelRegistration } from '@crm/projections';
import { fromStream } from './stream-lane';

export const SEGMENT_MEMBERSHIP_MODEL = 'SegmentMembership';

/** The segments each customer is in now, from the segmentation service's `crm.segment-membership.v1`. */
export const segmentMembershipProjection: DocumentProjection<SegmentMembership> = {
  name: 'segment-membership',
  schemaVersion: 1,
  documentId: (record) => (fromStream(record, 'segment-membership') ? BUCKET_KEYS.segmentMembership(record.envelope) : null),
  evolve: (state, record) => evolveSegmentMembership(state, record.envelope),
};

export const segmentMembershipSchema = new Schema({ _id: String }, { collection: 'segment_memberships', strict: false, versionKey: false, _id: false });
segmentMembershipSchema.index({ 'segments.segmentId': 1 });

export const segmentMembershipReadModel: ReadModelRegistration = {
  name: SEGMENT_MEMBERSHIP_MODEL,
  schema: segmentMembershipSchema,
  projection: segmentMembershipProjection as DocumentProjection<object>,
};
