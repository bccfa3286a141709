import type { Provider } from '@nestjs/common';
import type { EventStore } from '@crm/event-store';
import type { LoyaltyProgram } from '@crm/loyalty-domain';
import { MetricsService } from '@crm/platform';
import { CustomerEventCommands } from '../earning/customer-event-commands';
import { EVENT_STORE } from '../event-store/event-store.provider';
import { LOYALTY_SETTINGS, type LoyaltySettings } from '../loyalty.env';
import { LOYALTY_PROGRAM } from '../program/load-program';
import { Redemptions } from '../redemption/redemptions';
import { RewardStockLedger } from '../redemption/reward-stock-ledger';
import { AccountCommands } from './account-commands';

/** The write side as plain classes (testable without Nest), wired once per process. */
export const accountProviders: Provider[] = [
  {
    provide: AccountCommands,
    inject: [EVENT_STORE, LOYALTY_PROGRAM, LOYALTY_SETTINGS, MetricsService],
    useFactory: (store: EventStore, program: LoyaltyProgram, settings: LoyaltySettings, metrics: MetricsService) => {
      const conflicts = metrics.counter('loyalty_command_conflicts_total', 'Account appends that lost a race with another writer and were decided again');
      return new AccountCommands(store, program, {
        maxAttempts: settings.loyalty.LOYALTY_COMMAND_ATTEMPTS,
        cacheSize: settings.loyalty.LOYALTY_ACCOUNT_CACHE_SIZE,
        onConflict: () => conflicts.inc(),
      });
    },
  },
  {
    provide: RewardStockLedger,
    inject: [EVENT_STORE, LOYALTY_SETTINGS],
    useFactory: (store: EventStore, settings: LoyaltySettings) => new RewardStockLedger(store, settings.loyalty.LOYALTY_COMMAND_ATTEMPTS),
  },
  {
    provide: Redemptions,
    inject: [AccountCommands, RewardStockLedger, LOYALTY_PROGRAM],
    useFactory: (accounts: AccountCommands, stock: RewardStockLedger, program: LoyaltyProgram) => new Redemptions(accounts, stock, program),
  },
  {
    provide: CustomerEventCommands,
    inject: [AccountCommands, LOYALTY_PROGRAM],
    useFactory: (accounts: AccountCommands, program: LoyaltyProgram) => new CustomerEventCommands(accounts, program),
  },
];
