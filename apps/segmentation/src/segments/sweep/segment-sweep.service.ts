import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { usesRfm } from '@crm/segmentation-domain';
import { SEGMENTATION_SETTINGS, type SegmentationSettings } from '../../segmentation.env';
import { SegmentBackfillService } from '../backfill/segment-backfill.service';
import type { SegmentCatalogue } from '../catalogue/segment-catalogue';
import { SegmentCatalogueLoader } from '../catalogue/segment-catalogue.loader';
import { SegmentSizeHistoryRepository } from '../history/segment-size-history.repository';
import type { MaintenanceLock } from '../maintenance/maintenance-lock';
import { MAINTENANCE_LOCK, SEGMENT_CATALOGUE } from '../maintenance/maintenance.tokens';
import { MembershipEventSink } from '../maintenance/membership-event-sink';
import { MembershipRejudge, type RejudgeTotals } from '../maintenance/membership-rejudge';
import { CustomerSegmentsStore } from '../membership/customer-segments.store';
import { RfmService } from '../rfm/rfm.service';

export interface SweepReport {
  readonly at: string;
  readonly durationMs: number;
  /** Customers whose time-based conditions were due, judged again at `at`. */
  readonly due: RejudgeTotals;
  /** Set when RFM thresholds were recomputed; `rejudged` when they moved and RFM segments were judged again. */
  readonly rfm?: { readonly population: number; readonly changed: boolean; readonly rejudged?: RejudgeTotals };
  /** Size-history points recorded. */
  readonly sizePoints: number;
}

/**
 * What the passing of time does to segments, every SEGMENT_SWEEP_INTERVAL_MS: re-reads the
 * definitions (changes made by another replica), recomputes RFM thresholds when due
 * (SEGMENT_RFM_INTERVAL_MS), judges again only the customers whose `reevaluateAt` has passed (an
 * index range), records segment sizes that changed (every SEGMENT_HISTORY_INTERVAL_MS: counting
 * reads every membership) and resumes unfinished back-fills. Runs under the maintenance lock,
 * never beside a back-fill.
 */
@Injectable()
export class SegmentSweepService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('SegmentSweep');
  private readonly rejudge: MembershipRejudge;
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;
  private sizesRecordedAt?: number;

  constructor(
    private readonly store: CustomerSegmentsStore,
    sink: MembershipEventSink,
    private readonly loader: SegmentCatalogueLoader,
    private readonly history: SegmentSizeHistoryRepository,
    private readonly rfm: RfmService,
    private readonly backfills: SegmentBackfillService,
    @Inject(SEGMENT_CATALOGUE) private readonly catalogue: SegmentCatalogue,
    @Inject(MAINTENANCE_LOCK) private readonly lock: MaintenanceLock,
    @Inject(SEGMENTATION_SETTINGS) private readonly settings: SegmentationSettings,
  ) {
    this.rejudge = new MembershipRejudge(store, sink);
  }

  onApplicationBootstrap(): void {
    const { sweepEnabled, sweepIntervalMs } = this.settings.maintenance;
    if (!sweepEnabled) return;
    this.timer = setInterval(() => {
      if (this.running) return; // the previous sweep is still going: skip a beat rather than queue up
      this.running = this.run()
        .catch((error: unknown) => this.logger.error(`sweep failed: ${(error as Error).message}`))
        .finally(() => (this.running = undefined));
    }, sweepIntervalMs);
    this.timer.unref();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One sweep at `now` (tests pass the time they want). */
  run(now: Date = new Date()): Promise<SweepReport> {
    return this.lock.run(() => this.sweep(now));
  }

  private async sweep(now: Date): Promise<SweepReport> {
    const started = performance.now();
    const { batch, rfmIntervalMs } = this.settings.maintenance;
    await this.loader.refresh();

    let rfm: SweepReport['rfm'];
    const rfmSegments = this.catalogue.context.segments.filter((s) => usesRfm(s.rule));
    const thresholds = this.catalogue.context.rfm;
    if (rfmSegments.length > 0 && (!thresholds || now.getTime() - thresholds.computedAt >= rfmIntervalMs)) {
      const recomputed = await this.rfm.recompute(now, batch);
      rfm = { population: recomputed.thresholds?.population ?? 0, changed: recomputed.changed };
      if (recomputed.changed) {
        const rejudged = await this.rejudge.run({
          customers: this.store.scan(batch),
          context: this.catalogue.context,
          now,
          only: new Set(rfmSegments.map((s) => s.id)),
          batch,
        });
        rfm = { ...rfm, rejudged };
      }
    }

    const due = await this.rejudge.run({ customers: this.store.due(now, batch), context: this.catalogue.context, now, batch });
    let sizePoints = 0;
    if (this.sizesRecordedAt === undefined || now.getTime() - this.sizesRecordedAt >= this.settings.maintenance.historyIntervalMs) {
      const sizes = await this.store.countMembers(this.catalogue.context.segments.map((s) => s.id));
      sizePoints = await this.history.record(sizes, now);
      this.sizesRecordedAt = now.getTime();
    }
    void this.backfills.resumeUnfinished().catch((error: unknown) => this.logger.error(`cannot resume back-fills: ${(error as Error).message}`));

    const report: SweepReport = { at: now.toISOString(), durationMs: Math.round(performance.now() - started), due, ...(rfm ? { rfm } : {}), sizePoints };
    if (due.written > 0 || rfm) {
      this.logger.log(`sweep at ${report.at}: ${due.scanned} due, ${due.entered} entered, ${due.exited} exited${rfm ? `, RFM over ${rfm.population} buyers` : ''} in ${report.durationMs} ms`);
    }
    return report;
  }
}
