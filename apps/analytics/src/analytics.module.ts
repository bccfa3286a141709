import { type DynamicModule, Module } from '@nestjs/common';
import { PlatformModule } from '@crm/platform';
import { ReadSideModule } from '@crm/projections';
import { SERVICE, type AnalyticsSettings } from './analytics.env';
import { customerDayReadModel } from './kpis/customer-day.projection';
import { KpisHttpController } from './kpis/kpis.http.controller';

@Module({})
export class AnalyticsModule {
  static register(settings: AnalyticsSettings): DynamicModule {
    return {
      module: AnalyticsModule,
      imports: [
        PlatformModule.forRoot({ service: SERVICE, http: settings.http, auth: settings.auth }),
        ReadSideModule.forRoot({ service: SERVICE, kafka: settings.kafka, mongo: settings.mongo, readModels: [customerDayReadModel] }),
      ],
      controllers: [KpisHttpController],
    };
  }
}
