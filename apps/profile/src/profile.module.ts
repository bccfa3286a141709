import { type DynamicModule, Module } from '@nestjs/common';
import { PlatformModule } from '@crm/platform';
import { ReadSideModule } from '@crm/projections';
import { customerProfileReadModel } from './customers/customer-profile.projection';
import { CustomersHttpController } from './customers/customers.http.controller';
import { SERVICE, type ProfileSettings } from './profile.env';

@Module({})
export class ProfileModule {
  static register(settings: ProfileSettings): DynamicModule {
    return {
      module: ProfileModule,
      imports: [
        PlatformModule.forRoot({ service: SERVICE, http: settings.http, auth: settings.auth }),
        ReadSideModule.forRoot({ service: SERVICE, kafka: settings.kafka, mongo: settings.mongo, readModels: [customerProfileReadModel] }),
      ],
      controllers: [CustomersHttpController],
    };
  }
}
