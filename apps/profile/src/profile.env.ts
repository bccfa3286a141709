import { KafkaEnv } from '@crm/messaging';
import { HttpEnv, loadEnv } from '@crm/platform';
import { MongoEnv } from '@crm/projections';

export const SERVICE = 'profile';

export interface ProfileSettings {
  readonly http: HttpEnv;
  readonly kafka: KafkaEnv;
  readonly mongo: MongoEnv;
}

export const loadProfileSettings = (env: NodeJS.ProcessEnv = process.env): ProfileSettings => ({
  http: loadEnv(HttpEnv, env, { PORT: '3002' }),
  kafka: loadEnv(KafkaEnv, env),
  mongo: loadEnv(MongoEnv, env, { MONGODB_DB: SERVICE }),
});
