import { KafkaEnv } from '@crm/messaging';
import { AuthEnv, HttpEnv, loadEnv } from '@crm/platform';
import { MongoEnv } from '@crm/projections';

export const SERVICE = 'loyalty';

export interface LoyaltySettings {
  readonly http: HttpEnv;
  readonly auth: AuthEnv;
  readonly kafka: KafkaEnv;
  readonly mongo: MongoEnv;
}

export const loadLoyaltySettings = (env: NodeJS.ProcessEnv = process.env): LoyaltySettings => ({
  http: loadEnv(HttpEnv, env, { PORT: '3004' }),
  auth: loadEnv(AuthEnv, env),
  kafka: loadEnv(KafkaEnv, env),
  mongo: loadEnv(MongoEnv, env, { MONGODB_DB: SERVICE }),
});
