import type { mongo } from 'mongoose';
import { upgradeStoredProfile, withoutPersonalData, type CustomerProfile } from '@crm/profile-domain';
import { stripStored, type ProjectedDocument } from '@crm/projections';

type Collection = mongo.Collection<Record<string, unknown>>;

const CHUNK = 500;

export interface ErasureSweepResult {
  /** Timeline entries whose personal content was removed. */
  readonly timelineEntries: number;
  /** Profiles of customers merged into an erased one, scrubbed too (one person). */
  readonly mergedProfiles: number;
}

/**
 * Erasure beyond the erased customer's own profile (which its fold scrubs): the personal content
 * of their timeline entries, and the profiles and entries of every customer merged into them.
 * Idempotent and self-healing — it looks at every erased customer each run (an index lookup each,
 * normally finding nothing), so entries written late, or recreated by a rebuild of the timeline,
 * are scrubbed by the next run. Until then the API never shows them (it checks erasure on read).
 */
export class ErasureSweep {
  constructor(
    private readonly profiles: Collection,
    private readonly timeline: Collection,
  ) {}

  async run(now: Date): Promise<ErasureSweepResult> {
    let timelineEntries = 0;
    let mergedProfiles = 0;
    const erased = this.profiles.find({ erasedAt: { $exists: true } }, { projection: { _id: 1, erasedAt: 1, mergedFrom: 1 } }).batchSize(CHUNK);
    let chunk: Record<string, unknown>[] = [];
    const flush = async () => {
      const owners = chunk.flatMap((d) => [String(d['_id']), ...((d['mergedFrom'] as string[] | undefined) ?? [])]);
      const scrubbed = await this.timeline.updateMany({ customerId: { $in: owners }, personal: true }, { $unset: { details: '', personal: '' } });
      timelineEntries += scrubbed.modifiedCount;
      mergedProfiles += await this.scrubMergedProfiles(chunk, now);
      chunk = [];
    };
    for await (const doc of erased) {
      chunk.push(doc);
      if (chunk.length >= CHUNK) await flush();
    }
    if (chunk.length > 0) await flush();
    return { timelineEntries, mergedProfiles };
  }

  /** Merged customers of erased survivors that still hold personal data get the survivor's erasure. */
  private async scrubMergedProfiles(survivors: Record<string, unknown>[], now: Date): Promise<number> {
    const erasedAtOf = new Map<string, string>();
    for (const s of survivors) for (const m of (s['mergedFrom'] as string[] | undefined) ?? []) erasedAtOf.set(m, String(s['erasedAt']));
    if (erasedAtOf.size === 0) return 0;
    const pending = (await this.profiles
      .find({ _id: { $in: [...erasedAtOf.keys()] as never[] }, erasedAt: { $exists: false } })
      .toArray()) as unknown as ProjectedDocument<CustomerProfile>[];
    if (pending.length === 0) return 0;
    const result = await this.profiles.bulkWrite(
      pending.map((doc) => ({
        replaceOne: {
          filter: { _id: doc._id as never, '_metadata.writes': (doc._metadata.writes ?? null) as never },
          replacement: {
            ...withoutPersonalData({ ...upgradeStoredProfile(stripStored(doc)), erasedAt: erasedAtOf.get(doc._id) as string }),
            _id: doc._id,
            _metadata: { ...doc._metadata, updatedAt: now, writes: (doc._metadata.writes ?? 0) + 1 },
          },
        },
      })),
      { ordered: false },
    );
    return result.modifiedCount;
  }
}
