import { type DynamicModule, Module, type Provider } from '@nestjs/common';
import { getModelToken } from '@nestjs/mongoose';
import type { Model, mongo } from 'mongoose';
import { Topics } from '@crm/contracts';
import type { LoyaltyProgram } from '@crm/loyalty-domain';
import { PlatformModule } from '@crm/platform';
import { ReadSideModule } from '@crm/projections';
import { AccountCommands } from './accounts/account-commands';
import { accountProviders } from './accounts/accounts.providers';
import { AdjustmentsHttpController } from './adjustments/adjustments.http.controller';
import { CustomerEventsConsumer } from './earning/customer-events.consumer';
import { EventStoreLifecycle, eventStoreProvider } from './event-store/event-store.provider';
import { LOYALTY_SETTINGS, SERVICE, type LoyaltySettings } from './loyalty.env';
import { MaintenanceRuns } from './maintenance/maintenance-runs';
import { MaintenanceHttpController } from './maintenance/maintenance.http.controller';
import { MaintenanceScheduler } from './maintenance/maintenance.scheduler';
import { LOYALTY_PROGRAM, loadProgram } from './program/load-program';
import { ProgramHttpController } from './program/program.http.controller';
import { AccountsHttpController } from './read-model/accounts.http.controller';
import { LOYALTY_ACCOUNT_MODEL, loyaltyReadModels } from './read-model/loyalty-read-models';
import { LOYALTY_READ_MODELS, ReadModelHttpController } from './read-model/read-model.http.controller';
import { RedemptionsHttpController } from './redemption/redemptions.http.controller';
import { RewardStockLedger } from './redemption/reward-stock-ledger';

const httpControllers = [AccountsHttpController, ProgramHttpController, RedemptionsHttpController, AdjustmentsHttpController, MaintenanceHttpController, ReadModelHttpController];

const maintenanceProviders: Provider[] = [
  {
    provide: MaintenanceRuns,
    inject: [AccountCommands, RewardStockLedger, LOYALTY_PROGRAM, getModelToken(LOYALTY_ACCOUNT_MODEL), LOYALTY_SETTINGS],
    useFactory: (accounts: AccountCommands, stock: RewardStockLedger, program: LoyaltyProgram, model: Model<Record<string, unknown>>, settings: LoyaltySettings) =>
      new MaintenanceRuns(accounts, stock, program, model.collection as unknown as mongo.Collection<Record<string, unknown>>, settings.loyalty.LOYALTY_RESERVATION_TIMEOUT_MS),
  },
  MaintenanceScheduler,
];

/**
 * Loyalty accounts, event-sourced: customer events become account commands (their own consumer
 * group), redemptions and adjustments come over HTTP, expiry and tier re-evaluation run on a
 * schedule; the account streams (`loyalty-<customerId>`) are relayed by ingest to
 * `crm.loyalty-events.v1`, which the read side projects into MongoDB for the read API.
 */
@Module({})
export class LoyaltyModule {
  static register(settings: LoyaltySettings): DynamicModule {
    const program = loadProgram(settings.loyalty.LOYALTY_PROGRAM_FILE);
    const readModels = loyaltyReadModels(program);
    return {
      module: LoyaltyModule,
      imports: [
        PlatformModule.forRoot({ service: SERVICE, http: settings.http, auth: settings.auth }),
        ReadSideModule.forRoot({
          service: SERVICE,
          kafka: settings.kafka,
          mongo: settings.mongo,
          readModels,
          // for replays and time travel of the read models (the accounts themselves use their own connection)
          eventStore: settings.eventStore,
          // loyalty events for balances and the ledger; customer events for pending (placed) orders
          topics: [Topics.loyaltyEvents, Topics.customerEvents],
        }),
      ],
      controllers: httpControllers,
      providers: [
        { provide: LOYALTY_SETTINGS, useValue: settings },
        { provide: LOYALTY_PROGRAM, useValue: program },
        { provide: LOYALTY_READ_MODELS, useValue: readModels },
        eventStoreProvider,
        EventStoreLifecycle,
        ...accountProviders,
        CustomerEventsConsumer,
        ...maintenanceProviders,
      ],
    };
  }
}
