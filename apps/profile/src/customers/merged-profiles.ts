import type { mongo } from 'mongoose';
import { combineMergedProfiles, type CustomerProfile } from '@crm/profile-domain';

type ProfileDoc = CustomerProfile & { _id: string } & Record<string, unknown>;
type Collection = mongo.Collection<Record<string, unknown>>;

/** Longest merge chain followed (ingest flattens chains, so they stay short). */
const MAX_CHAIN = 32;

/**
 * Merges are honoured at query time: a merged customer's document keeps its own history with
 * `mergedInto`, and the survivor is served with the figures of every customer merged into it.
 */
export class MergedProfiles {
  constructor(private readonly collection: Collection) {}

  /**
   * The profile `customerId` stands for: its own, combined with the customers merged into it; or,
   * for a merged customer, its survivor's (with `redirectedFrom`). Null when nothing is known.
   */
  async get(customerId: string): Promise<Record<string, unknown> | null> {
    let doc = await this.find(customerId);
    if (!doc) return null;
    const requested = doc;
    for (let hops = 0; doc.mergedInto && hops < MAX_CHAIN; hops++) {
      const next: ProfileDoc | null = await this.find(doc.mergedInto);
      // The survivor's own events may not be projected yet: it starts as an empty profile.
      doc = next ?? ({ ...emptyLike(doc), customerId: doc.mergedInto, _id: doc.mergedInto } as ProfileDoc);
    }
    const combined = (await this.combine([doc]))[0];
    return requested._id === doc._id ? combined : { ...combined, redirectedFrom: customerId };
  }

  /** Each survivor combined with every customer merged into it (transitively); one query per chain level. */
  async combine(survivors: ProfileDoc[]): Promise<Record<string, unknown>[]> {
    const rootOf = new Map(survivors.map((s) => [s._id, s._id]));
    const mergedBy = new Map<string, CustomerProfile[]>();
    let frontier = survivors.map((s) => s._id);
    for (let depth = 0; frontier.length > 0 && depth < MAX_CHAIN; depth++) {
      const merged = (await this.collection.find({ mergedInto: { $in: frontier } }).toArray()) as unknown as ProfileDoc[];
      frontier = [];
      for (const m of merged) {
        const root = m.mergedInto === undefined ? undefined : rootOf.get(m.mergedInto);
        if (root === undefined || rootOf.has(m._id)) continue;
        rootOf.set(m._id, root);
        mergedBy.set(root, [...(mergedBy.get(root) ?? []), stripStored(m)]);
        frontier.push(m._id);
      }
    }
    return survivors.map((s) => combineMergedProfiles(s, mergedBy.get(s._id) ?? []) as unknown as Record<string, unknown>);
  }

  private async find(id: string): Promise<ProfileDoc | null> {
    return (await this.collection.findOne({ _id: id as never })) as unknown as ProfileDoc | null;
  }
}

function stripStored(doc: ProfileDoc): CustomerProfile {
  const { _id: _ignoredId, _metadata: _ignoredMeta, ...profile } = doc;
  return profile as unknown as CustomerProfile;
}

function emptyLike(doc: ProfileDoc): CustomerProfile {
  return {
    customerId: doc.customerId,
    preferences: {},
    firstSeenAt: doc.firstSeenAt,
    lastSeenAt: doc.lastSeenAt,
    orders: 0,
    revenueMinorByCurrency: {},
    lifecycleStage: 'registered',
    eventCount: 0,
  };
}
