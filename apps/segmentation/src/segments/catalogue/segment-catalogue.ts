import type { RfmThresholds, SegmentationContext, SegmentDefinition } from '@crm/segmentation-domain';

/**
 * The segments in force and the RFM thresholds, held in memory: the projection judges every event
 * against them synchronously. Loaded before the consumer starts, replaced when a definition
 * changes here and refreshed by every sweep (so a change made through another replica arrives
 * within one sweep interval).
 */
export class SegmentCatalogue {
  private current: SegmentationContext = { segments: [], rfm: null, deleted: [] };

  get context(): SegmentationContext {
    return this.current;
  }

  segment(id: string): SegmentDefinition | undefined {
    return this.current.segments.find((s) => s.id === id);
  }

  replaceSegments(segments: readonly SegmentDefinition[], deleted: readonly SegmentDefinition[]): void {
    this.current = { ...this.current, segments: [...segments].sort(byId), deleted: [...deleted] };
  }

  /** One definition added, changed (same id) or removed (`deleted`). */
  put(segment: SegmentDefinition): void {
    this.replaceSegments([...this.current.segments.filter((s) => s.id !== segment.id), segment], (this.current.deleted ?? []).filter((s) => s.id !== segment.id));
  }

  remove(segment: SegmentDefinition): void {
    this.replaceSegments(this.current.segments.filter((s) => s.id !== segment.id), [...(this.current.deleted ?? []).filter((s) => s.id !== segment.id), segment]);
  }

  setRfm(rfm: RfmThresholds | null): void {
    this.current = { ...this.current, rfm };
  }
}

const byId = (a: SegmentDefinition, b: SegmentDefinition): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
