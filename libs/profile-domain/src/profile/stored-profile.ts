import { emptyProfile, type CustomerProfile } from './customer-profile';

/**
 * A stored profile in the current shape. Documents written by the first schema (identity,
 * demographics and order totals only) lack the newer fields: they get their empty values and an
 * unjudged stage, so folding on goes on safely; a rebuild from the log gives the full picture.
 */
export function upgradeStoredProfile(stored: CustomerProfile): CustomerProfile {
  if (stored.lifecycle && stored.revenue && stored.identifiers) return stored;
  const empty = emptyProfile(stored.customerId);
  const merged = { ...empty, ...stored } as CustomerProfile;
  return stored.lifecycle ? merged : { ...merged, lifecycle: empty.lifecycle, lifecycleStage: null };
}
