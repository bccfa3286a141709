import { Expose } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, Max, Min } from 'class-validator';
import { EventStoreEnv } from '@crm/event-store';
import { KafkaEnv } from '@crm/messaging';
import { AuthEnv, EnvBoolean, HttpEnv, InvalidConfigurationError, loadEnv } from '@crm/platform';
import { lifecycleConfigProblems, type LifecycleConfig } from '@crm/profile-domain';
import { MongoEnv } from '@crm/projections';

export const SERVICE = 'profile';

/** Injection token of the service's `ProfileSettings`. */
export const PROFILE_SETTINGS = Symbol('PROFILE_SETTINGS');

/** The lifecycle rules and the sweep that applies the time-driven stages. */
export class ProfileLifecycleEnv {
  /** Days without a purchase (or activity, see PROFILE_INACTIVITY_BASIS) before a customer is at risk. */
  @Expose() @IsInt() @Min(1) @Max(3650)
  PROFILE_AT_RISK_AFTER_DAYS: number = 90;

  /** Days before a customer has churned; more than PROFILE_AT_RISK_AFTER_DAYS. */
  @Expose() @IsInt() @Min(1) @Max(3650)
  PROFILE_CHURNED_AFTER_DAYS: number = 180;

  /** Kept orders within PROFILE_LOYAL_WINDOW_DAYS that make a customer loyal. */
  @Expose() @IsInt() @Min(3) @Max(50)
  PROFILE_LOYAL_MIN_ORDERS: number = 4;

  @Expose() @IsInt() @Min(1) @Max(3650)
  PROFILE_LOYAL_WINDOW_DAYS: number = 365;

  /** `purchase`: inactivity counts from the last kept order; `activity`: from anything the customer did. */
  @Expose() @IsIn(['purchase', 'activity'])
  PROFILE_INACTIVITY_BASIS: 'purchase' | 'activity' = 'purchase';

  /** Run the sweep in this process (at-risk and churned need the passage of time, not an event). */
  @Expose() @EnvBoolean() @IsBoolean()
  PROFILE_SWEEP_ENABLED: boolean = true;

  /** How often the sweep looks for profiles whose review is due. */
  @Expose() @IsInt() @Min(1_000) @Max(86_400_000)
  PROFILE_SWEEP_INTERVAL_MS: number = 60_000;

  /** Profiles reviewed per round trip. */
  @Expose() @IsInt() @Min(1) @Max(10_000)
  PROFILE_SWEEP_BATCH: number = 500;
}

export interface ProfileSettings {
  readonly http: HttpEnv;
  readonly auth: AuthEnv;
  readonly kafka: KafkaEnv;
  readonly mongo: MongoEnv;
  /** Stage changes are appended to `lifecycle-<customerId>` streams (the relay publishes them). */
  readonly eventStore: EventStoreEnv;
  readonly lifecycle: LifecycleConfig;
  readonly sweep: { readonly enabled: boolean; readonly intervalMs: number; readonly batch: number };
}

export const loadProfileSettings = (env: NodeJS.ProcessEnv = process.env): ProfileSettings => {
  const lifecycleEnv = loadEnv(ProfileLifecycleEnv, env);
  const lifecycle: LifecycleConfig = {
    atRiskAfterDays: lifecycleEnv.PROFILE_AT_RISK_AFTER_DAYS,
    churnedAfterDays: lifecycleEnv.PROFILE_CHURNED_AFTER_DAYS,
    loyalMinOrders: lifecycleEnv.PROFILE_LOYAL_MIN_ORDERS,
    loyalWindowDays: lifecycleEnv.PROFILE_LOYAL_WINDOW_DAYS,
    inactivityBasis: lifecycleEnv.PROFILE_INACTIVITY_BASIS,
  };
  // rules across variables (e.g. churned after at risk) are the domain's
  const problems = lifecycleConfigProblems(lifecycle);
  if (problems.length > 0) throw new InvalidConfigurationError(problems.map((p) => `lifecycle: ${p}`));
  return {
    http: loadEnv(HttpEnv, env, { PORT: '3002' }),
    auth: loadEnv(AuthEnv, env),
    kafka: loadEnv(KafkaEnv, env),
    mongo: loadEnv(MongoEnv, env, { MONGODB_DB: SERVICE }),
    eventStore: loadEnv(EventStoreEnv, env),
    lifecycle,
    sweep: { enabled: lifecycleEnv.PROFILE_SWEEP_ENABLED, intervalMs: lifecycleEnv.PROFILE_SWEEP_INTERVAL_MS, batch: lifecycleEnv.PROFILE_SWEEP_BATCH },
  };
};
