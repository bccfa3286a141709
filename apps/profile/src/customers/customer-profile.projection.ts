import { Schema } from 'mongoose';
import { evolveProfile, type CustomerProfile } from '@crm/profile-domain';
import type { DocumentProjection, ReadModelRegistration } from '@crm/projections';

export const CUSTOMER_PROFILE_MODEL = 'CustomerProfile';

export const customerProfileProjection: DocumentProjection<CustomerProfile> = {
  name: 'customer-profile',
  schemaVersion: 1,
  documentId: (record) => record.envelope.subject,
  evolve: (state, record) => evolveProfile(state, record.envelope),
};

/** The schema owns indexes for the list filters; documents are written whole by the projection. */
export const customerProfileSchema = new Schema(
  { _id: String },
  { collection: 'customer_profiles', strict: false, versionKey: false, _id: false },
);
customerProfileSchema.index({ country: 1, lastSeenAt: -1 });
customerProfileSchema.index({ lifecycleStage: 1, lastSeenAt: -1 });
customerProfileSchema.index({ email: 1 });
// survivors find the customers merged into them; lists leave merged customers out
customerProfileSchema.index({ mergedInto: 1 });

export const customerProfileReadModel: ReadModelRegistration = {
  name: CUSTOMER_PROFILE_MODEL,
  schema: customerProfileSchema,
  projection: customerProfileProjection as DocumentProjection<object>,
};
