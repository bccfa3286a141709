import { membershipChanges, rejudgeCustomerSegments, type CustomerSegments, type SegmentationContext } from '@crm/segmentation-domain';
import type { DerivedEvent, DerivedEventSink } from '@crm/projections';
import { fromStored, toStored } from '../membership/customer-segments.document';
import type { CustomerSegmentsDocument, CustomerSegmentsStore, MaintenanceWrite } from '../membership/customer-segments.store';
import { membershipEvent } from '../membership/membership-events';

export interface RejudgeTotals {
  /** Customers read. */
  readonly scanned: number;
  /** Customers whose memberships or next due time were written. */
  readonly written: number;
  readonly entered: number;
  readonly exited: number;
  /** Customers changed by an event while being judged: the projection's judgement stands. */
  readonly conflicts: number;
  /** With `only`: the members of those segments after the pass (it saw every customer it was given). */
  readonly members: ReadonlyMap<string, number>;
  /** Where the time went beside the scan, in milliseconds: appending the events, writing the changed customers. */
  readonly timings: { readonly appendMs: number; readonly writeMs: number };
}

export interface RejudgeRequest {
  /** The customers to judge (`CustomerSegmentsStore.scan` or `.due`). */
  readonly customers: AsyncIterable<CustomerSegmentsDocument>;
  readonly context: SegmentationContext;
  readonly now: Date;
  /** Judge only these segments (a back-fill); all when absent (the sweep). */
  readonly only?: ReadonlySet<string>;
  readonly batch: number;
  readonly onProgress?: (totals: RejudgeTotals) => void;
  /** Asked between batches: true stops the run (the service is shutting down). */
  readonly stopping?: () => boolean;
}

/** A run stopped between batches because the service is shutting down; what was written stays. */
export class MaintenanceStoppedError extends Error {
  constructor() {
    super('stopped: the service is shutting down');
    this.name = 'MaintenanceStoppedError';
  }
}

interface Judged {
  readonly after: CustomerSegments;
  readonly membershipChanged: boolean;
  readonly changed: boolean;
}

/**
 * Judges customers again without an event — the shared core of the sweep and the back-fill: one
 * streamed read, and per batch of customers whose memberships or next due time change, their
 * membership events appended first, then one bulk write guarded like the projection's own writes
 * (a customer an event changed meanwhile is left to the projection). The next batch is read while
 * the previous one is settled. Nothing is written for customers that do not change.
 *
 * Event ids come from the customer's change sequence, which only a written change advances: a run
 * that crashed after appending and before writing derives the same ids when run again.
 */
export class MembershipRejudge {
  constructor(
    private readonly store: CustomerSegmentsStore,
    private readonly sink: DerivedEventSink,
  ) {}

  async run(request: RejudgeRequest): Promise<RejudgeTotals> {
    const totals = {
      scanned: 0,
      written: 0,
      entered: 0,
      exited: 0,
      conflicts: 0,
      members: new Map<string, number>([...(request.only ?? [])].map((id) => [id, 0])),
      timings: { appendMs: 0, writeMs: 0 },
    };
    const snapshot = (): RejudgeTotals => ({ ...totals, members: new Map(totals.members), timings: { ...totals.timings } });
    let changed: { doc: CustomerSegmentsDocument; before: CustomerSegments; judged: Judged }[] = [];
    let inFlight: Promise<void> = Promise.resolve();
    let sinceProgress = 0;
    for await (const doc of request.customers) {
      totals.scanned++;
      sinceProgress++;
      const before = fromStored(doc);
      const judged = this.judge(before, request);
      this.countMembers(totals.members, judged.after.segments);
      if (judged.changed) changed.push({ doc, before, judged });
      if (changed.length >= request.batch || sinceProgress >= request.batch * 5) {
        await inFlight;
        inFlight = this.settle(changed, request, totals);
        changed = [];
        sinceProgress = 0;
        request.onProgress?.(snapshot());
        if (request.stopping?.()) {
          await inFlight;
          throw new MaintenanceStoppedError();
        }
      }
    }
    await inFlight;
    await this.settle(changed, request, totals);
    request.onProgress?.(snapshot());
    return snapshot();
  }

  private judge(before: CustomerSegments, request: RejudgeRequest): Judged {
    const after = rejudgeCustomerSegments(before, request.context, request.now.getTime(), request.only);
    const membershipChanged = before.segments.length !== after.segments.length || before.segments.some((id, i) => id !== after.segments[i]);
    return { after, membershipChanged, changed: membershipChanged || before.reevaluateAt !== after.reevaluateAt };
  }

  /** Appends the batch's membership events, then writes its customers. */
  private async settle(
    batch: readonly { doc: CustomerSegmentsDocument; before: CustomerSegments; judged: Judged }[],
    request: RejudgeRequest,
    totals: { written: number; entered: number; exited: number; conflicts: number; timings: { appendMs: number; writeMs: number } },
  ): Promise<void> {
    if (batch.length === 0) return;
    const writes: MaintenanceWrite[] = [];
    const events: DerivedEvent[] = [];
    for (const { doc, before, judged } of batch) {
      const changeSeq = (doc.changeSeq ?? 0) + (judged.membershipChanged ? 1 : 0);
      const changes = judged.membershipChanged ? membershipChanges(before, judged.after, request.context) : [];
      writes.push({
        id: doc._id,
        expectedRevision: doc._metadata.revision,
        expectedWrites: doc._metadata.writes ?? null,
        set: { ...toStored(judged.after), ...(judged.membershipChanged ? { changeSeq } : {}) },
      });
      events.push(...changes.map((change) => membershipEvent(change, { idParts: ['seq', changeSeq] })));
      totals.entered += changes.filter((c) => c.kind === 'entered').length;
      totals.exited += changes.filter((c) => c.kind === 'exited').length;
    }
    let started = performance.now();
    await this.sink.append(events); // before the documents: see the class comment
    totals.timings.appendMs += performance.now() - started;
    started = performance.now();
    const written = await this.store.write(writes, request.now);
    totals.timings.writeMs += performance.now() - started;
    totals.written += written;
    totals.conflicts += writes.length - written;
  }

  private countMembers(members: Map<string, number>, segments: readonly string[]): void {
    for (const id of segments) if (members.has(id)) members.set(id, (members.get(id) ?? 0) + 1);
  }
}
