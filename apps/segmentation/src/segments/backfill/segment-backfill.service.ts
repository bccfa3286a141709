import { Inject, Injectable, Logger, type BeforeApplicationShutdown, type OnApplicationBootstrap } from '@nestjs/common';
import { usesRfm, type SegmentationContext } from '@crm/segmentation-domain';
import { SEGMENTATION_SETTINGS, type SegmentationSettings } from '../../segmentation.env';
import type { SegmentCatalogue } from '../catalogue/segment-catalogue';
import { SegmentDefinitionsRepository, toDefinition, type BackfillStatus, type StoredSegment } from '../definitions/segment-definitions.repository';
import { SegmentSizeHistoryRepository } from '../history/segment-size-history.repository';
import type { MaintenanceLock } from '../maintenance/maintenance-lock';
import { MAINTENANCE_LOCK, SEGMENT_CATALOGUE } from '../maintenance/maintenance.tokens';
import { MembershipEventSink } from '../maintenance/membership-event-sink';
import { MaintenanceStoppedError, MembershipRejudge } from '../maintenance/membership-rejudge';
import { CustomerSegmentsStore } from '../membership/customer-segments.store';
import { RfmService } from '../rfm/rfm.service';

/** How long a back-fill waits for the event store (it appends membership events) before it fails and is left pending. */
const EVENT_STORE_WAIT_MS = 60_000;
/** How often a running back-fill records its progress. */
const PROGRESS_EVERY_MS = 2_000;

/**
 * Brings every existing customer's membership of one segment in line with its definition: after
 * a create, a rule change or a delete. One streamed read of all customers, judged against that
 * segment only, and bulk writes of the customers whose membership (or next due time) changed,
 * with their `crm.segment.entered` / `crm.segment.exited` events. Live events meanwhile are
 * judged by the projection against the new definition already, so nothing is missed.
 *
 * Status, duration and counts are stored on the definition (`backfill`, shown by the API) and
 * logged. Unfinished back-fills resume when the service starts.
 */
@Injectable()
export class SegmentBackfillService implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('SegmentBackfill');
  private readonly rejudge: MembershipRejudge;
  private stopping = false;

  constructor(
    private readonly store: CustomerSegmentsStore,
    private readonly sink: MembershipEventSink,
    private readonly definitions: SegmentDefinitionsRepository,
    private readonly history: SegmentSizeHistoryRepository,
    private readonly rfm: RfmService,
    @Inject(SEGMENT_CATALOGUE) private readonly catalogue: SegmentCatalogue,
    @Inject(MAINTENANCE_LOCK) private readonly lock: MaintenanceLock,
    @Inject(SEGMENTATION_SETTINGS) private readonly settings: SegmentationSettings,
  ) {
    this.rejudge = new MembershipRejudge(store, sink);
  }

  onApplicationBootstrap(): void {
    void this.resumeUnfinished().catch((error: unknown) => this.logger.error(`cannot resume back-fills: ${(error as Error).message}`));
  }

  /** A back-fill under way stops at its next batch and stays pending: the next start resumes it. */
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.lock.idle();
  }

  /** Queues the back-fill of the segment's current version; resolves with its final status (null when superseded or stopped). */
  schedule(segment: StoredSegment): Promise<BackfillStatus | null> {
    return this.lock.run(() => (this.stopping ? Promise.resolve(null) : this.run(segment._id, segment.version)));
  }

  /** Back-fills left pending, running (the process stopped) or failed are queued again. */
  async resumeUnfinished(): Promise<void> {
    const unfinished = (await this.definitions.list({ includeDeleted: true })).filter((s) => s.backfill.status !== 'done');
    for (const segment of unfinished) void this.schedule(segment).catch(() => undefined);
  }

  private async run(segmentId: string, version: number): Promise<BackfillStatus | null> {
    const segment = (await this.definitions.list({ includeDeleted: true })).find((s) => s._id === segmentId);
    // A newer version was saved meanwhile: its own back-fill is queued behind this one.
    if (!segment || segment.version !== version || segment.backfill.version !== version) return null;
    const requested = segment.backfill;
    const startedAt = new Date();
    let status: BackfillStatus = { ...requested, status: 'running', startedAt };
    await this.definitions.setBackfill(segmentId, status);
    this.logger.log(`back-fill of segment ${segmentId} v${version} (${requested.reason}) started`);
    let lastProgressAt = Date.now();
    let progressWritten: Promise<unknown> = Promise.resolve();
    const finish = async (outcome: BackfillStatus) => {
      await progressWritten; // a late progress write must never overwrite the outcome
      await this.definitions.setBackfill(segmentId, outcome);
    };
    try {
      await this.waitForEventStore();
      const definition = toDefinition(segment);
      const deleted = segment.deletedAt !== undefined;
      // RFM rules need thresholds before anyone can be judged: the first RFM segment computes them.
      if (!deleted && usesRfm(definition.rule) && !this.catalogue.context.rfm) await this.rfm.recompute(startedAt, this.settings.maintenance.batch);
      const base = this.catalogue.context;
      const others = base.segments.filter((s) => s.id !== segmentId);
      const context: SegmentationContext = deleted
        ? { ...base, segments: others, deleted: [...(base.deleted ?? []).filter((s) => s.id !== segmentId), definition] }
        : { ...base, segments: [...others, definition] };
      const totals = await this.rejudge.run({
        customers: this.store.scan(this.settings.maintenance.batch),
        context,
        now: startedAt,
        only: new Set([segmentId]),
        batch: this.settings.maintenance.batch,
        stopping: () => this.stopping,
        onProgress: (progress) => {
          // A few progress writes per back-fill, not one per batch: pollers read this one document.
          if (Date.now() - lastProgressAt < PROGRESS_EVERY_MS) return;
          lastProgressAt = Date.now();
          const running = { ...status, customersScanned: progress.scanned, entered: progress.entered, exited: progress.exited };
          progressWritten = progressWritten.then(() => this.definitions.setBackfill(segmentId, running)).catch(() => undefined);
        },
      });
      const finishedAt = new Date();
      status = {
        ...status,
        status: 'done',
        finishedAt,
        durationMs: finishedAt.getTime() - startedAt.getTime(),
        customersScanned: totals.scanned,
        entered: totals.entered,
        exited: totals.exited,
        conflicts: totals.conflicts,
      };
      await finish(status);
      // The pass saw every customer, so it knows the size: no second scan to count it.
      await this.history.record(new Map([[segmentId, totals.members.get(segmentId) ?? 0]]), finishedAt);
      const { appendMs, writeMs } = totals.timings;
      this.logger.log(
        `back-fill of segment ${segmentId} v${version} done in ${status.durationMs} ms: ${totals.scanned} customers, ${totals.entered} entered, ${totals.exited} exited, ` +
          `${totals.written} written, ${totals.conflicts} judged by live events (beside the scan: events appended in ${Math.round(appendMs)} ms, customers written in ${Math.round(writeMs)} ms)`,
      );
      return status;
    } catch (error) {
      if (error instanceof MaintenanceStoppedError) {
        await finish(requested).catch(() => undefined);
        this.logger.warn(`back-fill of segment ${segmentId} v${version} stopped by shutdown; it resumes at the next start`);
        return null;
      }
      const finishedAt = new Date();
      status = { ...status, status: 'failed', finishedAt, durationMs: finishedAt.getTime() - startedAt.getTime(), error: (error as Error).message };
      await finish(status).catch(() => undefined);
      this.logger.error(`back-fill of segment ${segmentId} v${version} failed: ${(error as Error).message}`);
      return status;
    }
  }

  private async waitForEventStore(): Promise<void> {
    const deadline = Date.now() + EVENT_STORE_WAIT_MS;
    while (!this.sink.connected) {
      if (Date.now() > deadline) throw new Error('event store not connected');
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
