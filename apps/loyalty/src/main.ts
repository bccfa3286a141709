import 'reflect-metadata';
import { bootstrapService } from '@crm/platform';
import { loadLoyaltySettings, SERVICE } from './loyalty.env';
import { LoyaltyModule } from './loyalty.module';

async function main(): Promise<void> {
  const settings = loadLoyaltySettings();
  await bootstrapService(LoyaltyModule.register(settings), {
    service: SERVICE,
    description:
      'Loyalty accounts, event-sourced: points earned from orders and other customer events, refunds, redemptions of points and rewards, FIFO expiry, tiers, and the balance, ledger and tier read model.',
    http: settings.http,
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
