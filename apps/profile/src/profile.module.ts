import { type DynamicModule, Module } from '@nestjs/common';
import { Topics } from '@crm/contracts';
import { PlatformModule } from '@crm/platform';
import { ReadSideModule } from '@crm/projections';
import { customerProfileReadModel } from './customers/customer-profile.projection';
import { CustomersHttpController } from './customers/customers.http.controller';
import { PROFILE_SETTINGS, SERVICE, type ProfileSettings } from './profile.env';
import { ProfileSweepService } from './sweep/profile-sweep.service';
import { customerTimelineReadModel } from './timeline/customer-timeline.projection';
import { CustomerTimelineHttpController } from './timeline/customer-timeline.http.controller';

/** The profile folds every stream of a customer: their events, loyalty, segment membership, and its own stage changes. */
export const PROFILE_TOPICS = [Topics.customerEvents, Topics.loyaltyEvents, Topics.segmentMembership, Topics.lifecycleStages] as const;

@Module({})
export class ProfileModule {
  static register(settings: ProfileSettings): DynamicModule {
    return {
      module: ProfileModule,
      imports: [
        PlatformModule.forRoot({ service: SERVICE, http: settings.http, auth: settings.auth }),
        ReadSideModule.forRoot({
          service: SERVICE,
          kafka: settings.kafka,
          mongo: settings.mongo,
          readModels: [customerProfileReadModel(settings.lifecycle), customerTimelineReadModel],
          topics: PROFILE_TOPICS,
          eventStore: settings.eventStore,
        }),
      ],
      controllers: [CustomersHttpController, CustomerTimelineHttpController],
      providers: [{ provide: PROFILE_SETTINGS, useValue: settings }, ProfileSweepService],
    };
  }
}
