import { Schema } from 'mongoose';
import { parseStreamId, type CustomerEventRecord } from '@crm/contracts';
import {
  absorbMergedProfile,
  changesSince,
  evolveProfile,
  upgradeStoredProfile,
  type CustomerProfile,
  type LifecycleConfig,
} from '@crm/profile-domain';
import type { DocumentProjection, ReadModelRegistration } from '@crm/projections';
import { lifecycleStageChangedEvent } from '../lifecycle/lifecycle-stage-changed.event';

export const CUSTOMER_PROFILE_MODEL = 'CustomerProfile';
export const CUSTOMER_PROFILE_COLLECTION = 'customer_profiles';

/** Every stream of a customer feeds their profile: their own events, loyalty, segment membership, and the profile's own stage changes. */
const customerOf = (record: CustomerEventRecord): string | null =>
  record.streamId === undefined || parseStreamId(record.streamId) !== null ? record.envelope.subject : null;

const current = (state: CustomerProfile | null): CustomerProfile | null => (state ? upgradeStoredProfile(state) : null);

/**
 * One document per customer, folded from all their streams. Stage changes the fold records are
 * published as `crm.lifecycle.stage-changed` (the runner appends them before writing); a merge is
 * taken into the survivor once (`absorb`).
 */
export function customerProfileProjection(config: LifecycleConfig): DocumentProjection<CustomerProfile> {
  return {
    name: 'customer-profile',
    schemaVersion: 2,
    documentId: customerOf,
    evolve: (state, record) => evolveProfile(current(state), record.envelope, config),
    derive: (before, after, _record) =>
      after ? changesSince(after.lifecycle, current(before)?.lifecycle.changes ?? 0).map((change) => lifecycleStageChangedEvent(after.customerId, change)) : [],
    absorb: (survivor, merged, survivorId) => absorbMergedProfile(current(survivor), upgradeStoredProfile(merged), survivorId),
  };
}

/**
 * The schema owns the indexes (documents are written whole by the projection): each search
 * filter leads an index that also serves the sort (most recently seen first), lookups go by
 * identifier, and the sweep finds due reviews without a scan.
 */
export const customerProfileSchema = new Schema({ _id: String }, { collection: CUSTOMER_PROFILE_COLLECTION, strict: false, versionKey: false, _id: false });
customerProfileSchema.index({ lastSeenAt: -1, _id: 1 });
customerProfileSchema.index({ lifecycleStage: 1, lastSeenAt: -1 });
customerProfileSchema.index({ country: 1, lastSeenAt: -1 });
customerProfileSchema.index({ 'segments.segmentId': 1, lastSeenAt: -1 });
customerProfileSchema.index({ 'loyalty.tier': 1, lastSeenAt: -1 });
customerProfileSchema.index({ 'revenue.currency': 1, 'revenue.netMinor': 1 });
customerProfileSchema.index({ 'identifiers.kind': 1, 'identifiers.value': 1 });
// survivors find the customers merged into them; searches leave merged customers out
customerProfileSchema.index({ mergedInto: 1 });
customerProfileSchema.index({ 'lifecycle.nextReviewAt': 1 }, { sparse: true });
customerProfileSchema.index({ erasedAt: 1 }, { sparse: true });

export const customerProfileReadModel = (config: LifecycleConfig): ReadModelRegistration => ({
  name: CUSTOMER_PROFILE_MODEL,
  schema: customerProfileSchema,
  projection: customerProfileProjection(config) as DocumentProjection<object>,
});
