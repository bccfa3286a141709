import { KafkaEnv } from '@crm/messaging';
import { AuthEnv, HttpEnv, loadEnv } from '@crm/platform';
import { MongoEnv } from '@crm/projections';

export const SERVICE = 'analytics';

export interface AnalyticsSettings {
  readonly http: HttpEnv;
  readonly auth: AuthEnv;
  readonly kafka: KafkaEnv;
  readonly mongo: MongoEnv;
}

export const loadAnalyticsSettings = (env: NodeJS.ProcessEnv = process.env): AnalyticsSettings => ({
  http: loadEnv(HttpEnv, env, { PORT: '3005' }),
  auth: loadEnv(AuthEnv, env),
  kafka: loadEnv(KafkaEnv, env),
  mongo: loadEnv(MongoEnv, env, { MONGODB_DB: SERVICE }),
});
