import { DEFAULT_LIFECYCLE_CONFIG, type LifecycleConfig } from '../lifecycle/lifecycle-config';
import { reviewLifecycle } from '../lifecycle/lifecycle-status';
import type { CustomerProfile } from './customer-profile';
import { lifecycleFactsOf } from './lifecycle-facts';

/**
 * Pure: the profile with every lifecycle review due by `now` done (the sweep's step; `now` is the
 * wall clock there). Merged customers are left alone: their survivor carries on.
 */
export function reviewProfile(profile: CustomerProfile, now: string, config: LifecycleConfig = DEFAULT_LIFECYCLE_CONFIG): CustomerProfile {
  if (profile.mergedInto) return profile;
  const lifecycle = reviewLifecycle(profile.lifecycle, lifecycleFactsOf(profile), now, config);
  return lifecycle === profile.lifecycle ? profile : { ...profile, lifecycle, lifecycleStage: lifecycle.stage };
}
