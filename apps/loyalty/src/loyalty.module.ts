import { type DynamicModule, Module } from '@nestjs/common';
import { PlatformModule } from '@crm/platform';
import { ReadSideModule } from '@crm/projections';
import { AccountsHttpController } from './accounts/accounts.http.controller';
import { loyaltyBalanceReadModel } from './accounts/loyalty-balance.projection';
import { SERVICE, type LoyaltySettings } from './loyalty.env';
import { ProgramHttpController } from './program/program.http.controller';

@Module({})
export class LoyaltyModule {
  static register(settings: LoyaltySettings): DynamicModule {
    return {
      module: LoyaltyModule,
      imports: [
        PlatformModule.forRoot({ service: SERVICE, http: settings.http, auth: settings.auth }),
        ReadSideModule.forRoot({ service: SERVICE, kafka: settings.kafka, mongo: settings.mongo, readModels: [loyaltyBalanceReadModel] }),
      ],
      controllers: [AccountsHttpController, ProgramHttpController],
    };
  }
}
