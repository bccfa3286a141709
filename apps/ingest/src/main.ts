import 'reflect-metadata';
import { bootstrapService } from '@crm/platform';
import { loadIngestSettings, SERVICE } from './ingest.env';
import { IngestModule } from './ingest.module';

async function main(): Promise<void> {
  const settings = loadIngestSettings();
  await bootstrapService(IngestModule.register(settings), {
    service: SERVICE,
    description: 'The front door: validates customer events, stores them in the event store and relays them to Kafka.',
    http: settings.http,
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
