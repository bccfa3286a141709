import { Expose } from 'class-transformer';
import { IsOptional, IsString, Matches } from 'class-validator';
import { EventStoreEnv } from '@crm/event-store';
import { KafkaEnv } from '@crm/messaging';
import { loadEnv } from '@crm/platform';

/** Where the services' admin APIs are, and the key to call them with. */
export class AdminApiEnv {
  /** A key with scope `admin:replay` (`infra/local/api-key ops admin:replay`). */
  @Expose() @IsOptional() @IsString()
  CRM_API_KEY?: string;

  /** `name=url` pairs, comma-separated: the read-side services the CLI may ask. */
  @Expose() @IsString() @Matches(/^([a-z0-9-]+=https?:\/\/[^,=\s]+)(,[a-z0-9-]+=https?:\/\/[^,=\s]+)*$/, {
    message: 'CRM_SERVICES must be name=url pairs separated by commas, e.g. profile=http://127.0.0.1:3002',
  })
  CRM_SERVICES: string = 'profile=http://127.0.0.1:3002,segmentation=http://127.0.0.1:3003,loyalty=http://127.0.0.1:3004,analytics=http://127.0.0.1:3005';
}

export interface CliSettings {
  readonly admin: AdminApiEnv;
  /** Read lazily: only the `events` commands talk to the event store, only `kafka` to Kafka. */
  eventStore(): EventStoreEnv;
  kafka(): KafkaEnv;
}

export const loadCliSettings = (env: NodeJS.ProcessEnv = process.env): CliSettings => ({
  admin: loadEnv(AdminApiEnv, env),
  eventStore: () => loadEnv(EventStoreEnv, env),
  kafka: () => loadEnv(KafkaEnv, env),
});

export function parseServices(list: string): Map<string, string> {
  return new Map(
    list.split(',').map((pair) => {
      const [name, url] = pair.split('=');
      return [name, url.replace(/\/+$/, '')];
    }),
  );
}
