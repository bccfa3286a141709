import { Inject, Injectable, Logger } from '@nestjs/common';
import { parseSegmentInput, type FieldError } from '@crm/segmentation-domain';
import { SegmentBackfillService } from '../backfill/segment-backfill.service';
import type { SegmentCatalogue } from '../catalogue/segment-catalogue';
import { SEGMENT_CATALOGUE } from '../maintenance/maintenance.tokens';
import { SegmentDefinitionsRepository, toDefinition, type StoredSegment } from './segment-definitions.repository';

export type SegmentCommandOutcome =
  | { ok: true; segment: StoredSegment; backfillScheduled: boolean }
  | { ok: false; reason: 'invalid'; errors: readonly FieldError[] }
  | { ok: false; reason: 'exists' | 'not-found' }
  | { ok: false; reason: 'version-mismatch'; version?: number };

/**
 * Creating, replacing and deleting segments: validate, store the new version, put it in force in
 * the catalogue (live events are judged by it from then on) and queue the back-fill over the
 * existing customers. Expected failures are values; the controller maps them to HTTP.
 */
@Injectable()
export class SegmentsService {
  private readonly logger = new Logger('Segments');

  constructor(
    private readonly definitions: SegmentDefinitionsRepository,
    private readonly backfills: SegmentBackfillService,
    @Inject(SEGMENT_CATALOGUE) private readonly catalogue: SegmentCatalogue,
  ) {}

  async create(body: unknown, now = new Date()): Promise<SegmentCommandOutcome> {
    const parsed = parseSegmentInput(body);
    if (!parsed.ok) return { ok: false, reason: 'invalid', errors: parsed.errors };
    const outcome = await this.definitions.create(parsed.value, now);
    if (!outcome.ok) return outcome;
    return this.putInForce(outcome.segment, true);
  }

  async replace(id: string, body: unknown, expectedVersion: number | undefined, now = new Date()): Promise<SegmentCommandOutcome> {
    const parsed = parseSegmentInput(body, id);
    if (!parsed.ok) return { ok: false, reason: 'invalid', errors: parsed.errors };
    const outcome = await this.definitions.replace(parsed.value, expectedVersion, now);
    if (!outcome.ok) return outcome;
    if (!outcome.changed) return { ok: true, segment: outcome.segment, backfillScheduled: false };
    return this.putInForce(outcome.segment, outcome.ruleChanged);
  }

  async delete(id: string, expectedVersion: number | undefined, now = new Date()): Promise<SegmentCommandOutcome> {
    const outcome = await this.definitions.delete(id, expectedVersion, now);
    if (!outcome.ok) return outcome;
    this.catalogue.remove(toDefinition(outcome.segment));
    this.logger.log(`segment ${id} deleted at v${outcome.segment.version}`);
    void this.backfills.schedule(outcome.segment);
    return { ok: true, segment: outcome.segment, backfillScheduled: true };
  }

  private putInForce(segment: StoredSegment, backfill: boolean): SegmentCommandOutcome {
    this.catalogue.put(toDefinition(segment));
    this.logger.log(`segment ${segment._id} v${segment.version} in force${backfill ? '; back-fill queued' : ''}`);
    if (backfill) void this.backfills.schedule(segment);
    return { ok: true, segment, backfillScheduled: backfill };
  }
}
