import { type DynamicModule, Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { Topics } from '@crm/contracts';
import { PlatformModule } from '@crm/platform';
import { ReadSideModule } from '@crm/projections';
import { ANALYTICS_SETTINGS, SERVICE, type AnalyticsSettings } from './analytics.env';
import { ANALYTICS_READ_MODELS } from './buckets/read-models';
import { CohortsHttpController } from './cohorts/cohorts.http.controller';
import { DashboardHttpController } from './dashboard/dashboard.http.controller';
import { KpisHttpController } from './kpis/kpis.http.controller';
import { ModelRefitService } from './models/model-refit.service';
import { customerPredictionSchema, CUSTOMER_PREDICTION_MODEL, MODEL_FIT_MODEL, modelFitSchema } from './models/model-storage';
import { ModelsHttpController } from './models/models.http.controller';
import { PredictionsHttpController } from './models/predictions.http.controller';
import { BucketReader } from './reading/bucket-reader';
import { SegmentSizesHttpController } from './segments/segment-sizes.http.controller';

const httpControllers = [KpisHttpController, CohortsHttpController, ModelsHttpController, PredictionsHttpController, SegmentSizesHttpController, DashboardHttpController];

@Module({})
export class AnalyticsModule {
  static register(settings: AnalyticsSettings): DynamicModule {
    return {
      module: AnalyticsModule,
      imports: [
        PlatformModule.forRoot({ service: SERVICE, http: settings.http, auth: settings.auth }),
        ReadSideModule.forRoot({
          service: SERVICE,
          kafka: settings.kafka,
          mongo: settings.mongo,
          readModels: ANALYTICS_READ_MODELS,
          eventStore: settings.eventStore,
          topics: [Topics.customerEvents, Topics.loyaltyEvents, Topics.segmentMembership],
        }),
        // Model fits and predictions are not projections of events: the refit writes them.
        MongooseModule.forFeature([
          { name: MODEL_FIT_MODEL, schema: modelFitSchema },
          { name: CUSTOMER_PREDICTION_MODEL, schema: customerPredictionSchema },
        ]),
      ],
      controllers: httpControllers,
      providers: [{ provide: ANALYTICS_SETTINGS, useValue: settings }, BucketReader, ModelRefitService],
    };
  }
}
