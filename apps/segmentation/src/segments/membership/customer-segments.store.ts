import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model, mongo } from 'mongoose';
import { findFollowingMerges, type ProjectedDocument } from '@crm/projections';
import type { StoredCustomerSegments } from './customer-segments.document';
import { CUSTOMER_SEGMENTS_MODEL } from './customer-segments.projection';

export type CustomerSegmentsDocument = ProjectedDocument<StoredCustomerSegments>;

/** What the sweep and the back-fill read of each customer: everything judging needs, and the write guard. */
export const JUDGING_FIELDS = { state: 1, segments: 1, reevaluateAt: 1, mergedInto: 1, changeSeq: 1, '_metadata.revision': 1, '_metadata.writes': 1 } as const;

/** A membership write made without an event, guarded like the projection's own writes. */
export interface MaintenanceWrite {
  readonly id: string;
  readonly expectedRevision: number;
  readonly expectedWrites: number | null;
  readonly set: Pick<StoredCustomerSegments, 'state' | 'segments' | 'reevaluateAt'> & { readonly changeSeq?: number };
}

/** Queries over the customer segments read model (the projection owns its writes; the sweep and back-fill use `write`). */
@Injectable()
export class CustomerSegmentsStore {
  readonly collection: mongo.Collection<CustomerSegmentsDocument>;

  constructor(@InjectModel(CUSTOMER_SEGMENTS_MODEL) model: Model<unknown>) {
    this.collection = model.collection as unknown as mongo.Collection<CustomerSegmentsDocument>;
  }

  /** Every customer, streamed in batches (one collection scan). */
  scan(batch: number): AsyncIterable<CustomerSegmentsDocument> {
    return this.collection.find({}, { projection: JUDGING_FIELDS }).batchSize(batch) as unknown as AsyncIterable<CustomerSegmentsDocument>;
  }

  /** Customers whose time-based conditions may have changed by `now`. */
  due(now: Date, batch: number): AsyncIterable<CustomerSegmentsDocument> {
    return this.collection.find({ reevaluateAt: { $lte: now } }, { projection: JUDGING_FIELDS }).batchSize(batch) as unknown as AsyncIterable<CustomerSegmentsDocument>;
  }

  /**
   * Writes each change only if the document is still as read (same revision and write count:
   * the filter the projection uses, so the same index serves both). A document changed meanwhile
   * was judged by the projection on newer facts and is left as it is. Returns how many were written.
   */
  async write(writes: readonly MaintenanceWrite[], now: Date): Promise<number> {
    if (writes.length === 0) return 0;
    const result = await this.collection.bulkWrite(
      writes.map((w) => ({
        updateOne: {
          filter: { _id: w.id, '_metadata.revision': w.expectedRevision, '_metadata.writes': w.expectedWrites } as mongo.Filter<CustomerSegmentsDocument>,
          update: { $set: { ...w.set, '_metadata.updatedAt': now } } as mongo.UpdateFilter<CustomerSegmentsDocument>,
        },
      })),
      { ordered: false },
    );
    return result.matchedCount;
  }

  /** Members per segment, for the given segments (one pass over the members). */
  async countMembers(segmentIds: readonly string[]): Promise<Map<string, number>> {
    const counts = new Map<string, number>(segmentIds.map((id) => [id, 0]));
    if (segmentIds.length === 0) return counts;
    const rows = await this.collection
      .aggregate<{ _id: string; members: number }>([
        { $match: { segments: { $in: [...segmentIds] } } },
        { $project: { _id: 0, segments: 1 } },
        { $unwind: '$segments' },
        { $group: { _id: '$segments', members: { $sum: 1 } } },
      ])
      .toArray();
    for (const row of rows) if (counts.has(row._id)) counts.set(row._id, row.members);
    return counts;
  }

  /** One page of a segment's members in customer id order: by page number, or after a customer id (stable while members change). */
  async members(segmentId: string, page: { pageSize: number; page?: number; after?: string }): Promise<CustomerSegmentsDocument[]> {
    const filter: mongo.Filter<CustomerSegmentsDocument> = page.after !== undefined ? { segments: segmentId, _id: { $gt: page.after } } : { segments: segmentId };
    return (await this.collection
      .find(filter)
      .sort({ _id: 1 })
      .skip(page.after !== undefined ? 0 : ((page.page ?? 1) - 1) * page.pageSize)
      .limit(page.pageSize)
      .toArray()) as CustomerSegmentsDocument[];
  }

  /** A customer's document, or its survivor's when merged (with the id asked for). */
  async findFollowingMerges(customerId: string): Promise<{ document: CustomerSegmentsDocument; redirectedFrom?: string } | null> {
    const found = await findFollowingMerges(this.collection as unknown as mongo.Collection<Record<string, unknown>>, customerId);
    return found ? { document: found.document as unknown as CustomerSegmentsDocument, ...(found.redirectedFrom ? { redirectedFrom: found.redirectedFrom } : {}) } : null;
  }

  async find(customerId: string): Promise<CustomerSegmentsDocument | null> {
    return (await this.collection.findOne({ _id: customerId } as mongo.Filter<CustomerSegmentsDocument>)) as CustomerSegmentsDocument | null;
  }
}
