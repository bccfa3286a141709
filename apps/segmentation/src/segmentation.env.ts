import { KafkaEnv } from '@crm/messaging';
import { AuthEnv, HttpEnv, loadEnv } from '@crm/platform';
import { MongoEnv } from '@crm/projections';

export const SERVICE = 'segmentation';

export interface SegmentationSettings {
  readonly http: HttpEnv;
  readonly auth: AuthEnv;
  readonly kafka: KafkaEnv;
  readonly mongo: MongoEnv;
}

export const loadSegmentationSettings = (env: NodeJS.ProcessEnv = process.env): SegmentationSettings => ({
  http: loadEnv(HttpEnv, env, { PORT: '3003' }),
  auth: loadEnv(AuthEnv, env),
  kafka: loadEnv(KafkaEnv, env),
  mongo: loadEnv(MongoEnv, env, { MONGODB_DB: SERVICE }),
});
