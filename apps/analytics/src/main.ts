import 'reflect-metadata';
import { bootstrapService } from '@crm/platform';
import { loadAnalyticsSettings, SERVICE } from './analytics.env';
import { AnalyticsModule } from './analytics.module';

async function main(): Promise<void> {
  const settings = loadAnalyticsSettings();
  await bootstrapService(AnalyticsModule.register(settings), {
    service: SERVICE,
    description: 'Business KPIs: orders, revenue, new and active customers per UTC day and over a period.',
    http: settings.http,
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
