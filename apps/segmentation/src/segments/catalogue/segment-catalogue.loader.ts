import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { SegmentDefinitionsRepository, toDefinition } from '../definitions/segment-definitions.repository';
import { SegmentSizeHistoryRepository } from '../history/segment-size-history.repository';
import { SEGMENT_CATALOGUE } from '../maintenance/maintenance.tokens';
import { RfmThresholdsRepository } from '../rfm/rfm-thresholds.repository';
import type { SegmentCatalogue } from './segment-catalogue';

/** Deleted segments stay in the catalogue this long, so late exits still carry their name and version. */
const DELETED_KEPT_MS = 7 * 86_400_000;

/**
 * Fills the catalogue from MongoDB before the consumer starts (module init runs before any
 * application bootstrap), seeding the starter segments on a new installation.
 */
@Injectable()
export class SegmentCatalogueLoader implements OnModuleInit {
  private readonly logger = new Logger('SegmentCatalogue');

  constructor(
    private readonly definitions: SegmentDefinitionsRepository,
    private readonly rfm: RfmThresholdsRepository,
    private readonly history: SegmentSizeHistoryRepository,
    @Inject(SEGMENT_CATALOGUE) private readonly catalogue: SegmentCatalogue,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.definitions.init();
    await this.history.init();
    const seeded = await this.definitions.seedStarters(new Date());
    if (seeded.length > 0) this.logger.log(`new installation: starter segments ${seeded.map((s) => s._id).join(', ')}`);
    await this.refresh();
    this.logger.log(`${this.catalogue.context.segments.length} segment(s) in force`);
  }

  async refresh(): Promise<void> {
    const all = await this.definitions.list({ includeDeleted: true });
    const recent = Date.now() - DELETED_KEPT_MS;
    this.catalogue.replaceSegments(
      all.filter((s) => s.deletedAt === undefined).map(toDefinition),
      all.filter((s) => s.deletedAt !== undefined && new Date(s.deletedAt).getTime() >= recent).map(toDefinition),
    );
    this.catalogue.setRfm(await this.rfm.load());
  }
}
