import 'reflect-metadata';
import { bootstrapService } from '@crm/platform';
import { loadLoyaltySettings, SERVICE } from './loyalty.env';
import { LoyaltyModule } from './loyalty.module';

async function main(): Promise<void> {
  const settings = loadLoyaltySettings();
  await bootstrapService(LoyaltyModule.register(settings), {
    service: SERVICE,
    description: 'Loyalty points and tiers: balances earned from completed orders under the loyalty program.',
    http: settings.http,
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
