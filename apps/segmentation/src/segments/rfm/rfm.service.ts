import { Inject, Injectable, Logger } from '@nestjs/common';
import { RfmThresholdsBuilder, sameRfmCutoffs, type RfmThresholds } from '@crm/segmentation-domain';
import type { SegmentCatalogue } from '../catalogue/segment-catalogue';
import { SEGMENT_CATALOGUE } from '../maintenance/maintenance.tokens';
import { factsOf } from '../membership/customer-segments.document';
import { CustomerSegmentsStore } from '../membership/customer-segments.store';
import { RfmThresholdsRepository } from './rfm-thresholds.repository';

/**
 * RFM quintile thresholds over the current customer base: one streamed read of the packed facts
 * of every customer who is not merged (an erased one has no orders left to rank). The thresholds are stored and put in the
 * catalogue, so live judging and the back-fill use the same ones.
 */
@Injectable()
export class RfmService {
  private readonly logger = new Logger('Rfm');

  constructor(
    private readonly store: CustomerSegmentsStore,
    private readonly repository: RfmThresholdsRepository,
    @Inject(SEGMENT_CATALOGUE) private readonly catalogue: SegmentCatalogue,
  ) {}

  /** Recomputes, stores and installs the thresholds; `changed` when customers may score differently. */
  async recompute(now: Date, batch: number): Promise<{ thresholds: RfmThresholds | null; changed: boolean }> {
    const started = performance.now();
    const builder = new RfmThresholdsBuilder();
    const cursor = this.store.collection.find({ mergedInto: { $exists: false } }, { projection: { _id: 0, state: 1 } }).batchSize(batch);
    for await (const doc of cursor) {
      const facts = factsOf(doc);
      if (facts) builder.add(facts); // an erased customer's facts are empty: no order, not ranked
    }
    const thresholds = builder.build(now.getTime());
    const changed = !sameRfmCutoffs(this.catalogue.context.rfm, thresholds);
    if (thresholds) await this.repository.save(thresholds);
    this.catalogue.setRfm(thresholds);
    this.logger.log(`RFM thresholds over ${thresholds?.population ?? 0} buyers in ${Math.round(performance.now() - started)} ms${changed ? ' (changed)' : ''}`);
    return { thresholds, changed };
  }
}
