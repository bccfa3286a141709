import { type DynamicModule, Module } from '@nestjs/common';
import { Topics } from '@crm/contracts';
import { PlatformModule } from '@crm/platform';
import { ReadSideModule } from '@crm/projections';
import { SegmentBackfillService } from './segments/backfill/segment-backfill.service';
import { SegmentCatalogue } from './segments/catalogue/segment-catalogue';
import { SegmentCatalogueLoader } from './segments/catalogue/segment-catalogue.loader';
import { SegmentDefinitionsRepository } from './segments/definitions/segment-definitions.repository';
import { SegmentsHttpController } from './segments/definitions/segments.http.controller';
import { SegmentsService } from './segments/definitions/segments.service';
import { SegmentSizeHistoryRepository } from './segments/history/segment-size-history.repository';
import { MaintenanceLock } from './segments/maintenance/maintenance-lock';
import { MAINTENANCE_LOCK, SEGMENT_CATALOGUE } from './segments/maintenance/maintenance.tokens';
import { MembershipEventSink } from './segments/maintenance/membership-event-sink';
import { CustomerSegmentsHttpController } from './segments/membership/customer-segments.http.controller';
import { customerSegmentsReadModel } from './segments/membership/customer-segments.projection';
import { CustomerSegmentsStore } from './segments/membership/customer-segments.store';
import { SegmentMembersHttpController } from './segments/membership/segment-members.http.controller';
import { RfmThresholdsRepository } from './segments/rfm/rfm-thresholds.repository';
import { RfmService } from './segments/rfm/rfm.service';
import { SegmentSweepService } from './segments/sweep/segment-sweep.service';
import { SEGMENTATION_SETTINGS, SERVICE, type SegmentationSettings } from './segmentation.env';

/** Segments judge a customer's own events, the loyalty account (tier, balance) and the lifecycle stage. */
export const SEGMENTATION_TOPICS = [Topics.customerEvents, Topics.loyaltyEvents, Topics.lifecycleStages] as const;

const httpControllers = [SegmentsHttpController, SegmentMembersHttpController, CustomerSegmentsHttpController];
const repositories = [SegmentDefinitionsRepository, RfmThresholdsRepository, SegmentSizeHistoryRepository, CustomerSegmentsStore];
const services = [SegmentCatalogueLoader, SegmentsService, SegmentBackfillService, SegmentSweepService, RfmService, MembershipEventSink];

@Module({})
export class SegmentationModule {
  static register(settings: SegmentationSettings): DynamicModule {
    // The projection is registered here, before DI exists, and judges against this catalogue.
    const catalogue = new SegmentCatalogue();
    return {
      module: SegmentationModule,
      imports: [
        PlatformModule.forRoot({ service: SERVICE, http: settings.http, auth: settings.auth }),
        ReadSideModule.forRoot({
          service: SERVICE,
          kafka: settings.kafka,
          mongo: settings.mongo,
          readModels: [customerSegmentsReadModel(catalogue)],
          topics: SEGMENTATION_TOPICS,
          eventStore: settings.eventStore,
        }),
      ],
      controllers: httpControllers,
      providers: [
        { provide: SEGMENTATION_SETTINGS, useValue: settings },
        { provide: SEGMENT_CATALOGUE, useValue: catalogue },
        { provide: MAINTENANCE_LOCK, useValue: new MaintenanceLock() },
        ...repositories,
        ...services,
      ],
    };
  }
}
