import 'reflect-metadata';
import { bootstrapService } from '@crm/platform';
import { loadAnalyticsSettings, SERVICE } from './analytics.env';
import { AnalyticsModule } from './analytics.module';

async function main(): Promise<void> {
  const settings = loadAnalyticsSettings();
  await bootstrapService(AnalyticsModule.register(settings), {
    service: SERVICE,
    description: 'Customer KPIs (retention, churn, CLV, AOV, repeat purchases, conversion, NPS, CSAT, tickets, loyalty), cohorts, BG/NBD and Gamma-Gamma predictions, churn risk, and a dashboard at /dashboard.',
    http: settings.http,
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
