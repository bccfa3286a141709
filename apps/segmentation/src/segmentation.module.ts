import { type DynamicModule, Module } from '@nestjs/common';
import { PlatformModule } from '@crm/platform';
import { ReadSideModule } from '@crm/projections';
import { CustomerSegmentsHttpController } from './segments/customer-segments.http.controller';
import { customerSegmentsReadModel } from './segments/customer-segments.projection';
import { SegmentsHttpController } from './segments/segments.http.controller';
import { SERVICE, type SegmentationSettings } from './segmentation.env';

@Module({})
export class SegmentationModule {
  static register(settings: SegmentationSettings): DynamicModule {
    return {
      module: SegmentationModule,
      imports: [
        PlatformModule.forRoot({ service: SERVICE, http: settings.http, auth: settings.auth }),
        ReadSideModule.forRoot({ service: SERVICE, kafka: settings.kafka, mongo: settings.mongo, readModels: [customerSegmentsReadModel] }),
      ],
      controllers: [SegmentsHttpController, CustomerSegmentsHttpController],
    };
  }
}
