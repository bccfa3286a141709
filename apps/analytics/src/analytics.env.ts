import { Expose } from 'class-transformer';
import { IsInt, IsISO4217CurrencyCode, IsNumber, Max, Min } from 'class-validator';
import { EventStoreEnv } from '@crm/event-store';
import { KafkaEnv } from '@crm/messaging';
import { AuthEnv, HttpEnv, loadEnv } from '@crm/platform';
import { MongoEnv } from '@crm/projections';

export const SERVICE = 'analytics';

/** The purchase models, predictions and at-risk list. */
export class AnalyticsModelEnv {
  /** Currency whose order values the spend model and CLV use (amounts are never converted). */
  @Expose() @IsISO4217CurrencyCode()
  ANALYTICS_MODEL_CURRENCY: string = 'EUR';

  /** How often the models are refitted and every customer's predictions recomputed; 0: only on request. */
  @Expose() @IsInt() @Min(0)
  ANALYTICS_REFIT_INTERVAL_MS: number = 900_000;

  /** Horizon of the predicted CLV, in months. */
  @Expose() @IsInt() @Min(1) @Max(120)
  ANALYTICS_CLV_HORIZON_MONTHS: number = 12;

  /** Monthly discount rate of the predicted CLV (0.01 = 1 % a month). */
  @Expose() @IsNumber() @Min(0) @Max(1)
  ANALYTICS_CLV_MONTHLY_DISCOUNT_RATE: number = 0.01;

  /** Horizon of each customer's expected purchases, in weeks. */
  @Expose() @IsInt() @Min(1) @Max(520)
  ANALYTICS_PURCHASE_HORIZON_WEEKS: number = 13;

  /** Churn-risk score from which a customer is on the at-risk list. */
  @Expose() @IsNumber() @Min(0) @Max(1)
  ANALYTICS_AT_RISK_THRESHOLD: number = 0.5;
}

export interface AnalyticsSettings {
  readonly http: HttpEnv;
  readonly auth: AuthEnv;
  readonly kafka: KafkaEnv;
  readonly mongo: MongoEnv;
  /** Read for replays and time travel only: analytics derives no events. */
  readonly eventStore: EventStoreEnv;
  readonly models: AnalyticsModelEnv;
}

export const loadAnalyticsSettings = (env: NodeJS.ProcessEnv = process.env): AnalyticsSettings => ({
  http: loadEnv(HttpEnv, env, { PORT: '3005' }),
  auth: loadEnv(AuthEnv, env),
  kafka: loadEnv(KafkaEnv, env),
  mongo: loadEnv(MongoEnv, env, { MONGODB_DB: SERVICE }),
  eventStore: loadEnv(EventStoreEnv, env),
  models: loadEnv(AnalyticsModelEnv, env),
});

export const ANALYTICS_SETTINGS = Symbol('ANALYTICS_SETTINGS');
