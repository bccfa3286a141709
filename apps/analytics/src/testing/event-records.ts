import { isLoyaltyEvent, isSegmentMembershipEvent } from '@crm/analytics-domain';
import { loyaltyStreamId, segmentMembershipStreamId, customerStreamId, type CustomerEventRecord, type EventEnvelope } from '@crm/contracts';

/** The stream an event lives in: the customer's own, or the loyalty / segment-membership stream derived for them. */
export function streamOf(envelope: EventEnvelope): string {
  if (isLoyaltyEvent(envelope)) return loyaltyStreamId(envelope.subject);
  if (isSegmentMembershipEvent(envelope)) return segmentMembershipStreamId(envelope.subject);
  return customerStreamId(envelope.subject);
}

/** Records as the read side receives them: each stream's revisions from 0 in list order, positions increasing. */
export function toRecords(envelopes: readonly EventEnvelope[], firstPosition = 1): CustomerEventRecord[] {
  const revisions = new Map<string, number>();
  return envelopes.map((envelope, i) => {
    const streamId = streamOf(envelope);
    const streamRevision = revisions.get(streamId) ?? 0;
    revisions.set(streamId, streamRevision + 1);
    return { envelope, streamId, streamRevision, position: String(firstPosition + i) };
  });
}

/** A small deterministic generator (mulberry32), so a failing shuffle can be replayed. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The records cut into batches as a consumer might see them: streams interleaved at random (each
 * stream's own order kept, as Kafka keeps a partition's), random batch sizes, and every so often
 * an earlier stretch delivered again (a redelivery after a crash before the offset commit).
 */
export function deliveries(records: readonly CustomerEventRecord[], random: () => number): CustomerEventRecord[][] {
  const queues = new Map<string, CustomerEventRecord[]>();
  for (const r of records) queues.set(r.streamId ?? '', [...(queues.get(r.streamId ?? '') ?? []), r]);
  const interleaved: CustomerEventRecord[] = [];
  while (queues.size > 0) {
    const keys = [...queues.keys()];
    const key = keys[Math.floor(random() * keys.length)];
    const queue = queues.get(key)!;
    interleaved.push(queue.shift()!);
    if (queue.length === 0) queues.delete(key);
  }
  const batches: CustomerEventRecord[][] = [];
  let i = 0;
  while (i < interleaved.length) {
    const size = 1 + Math.floor(random() * 12);
    batches.push(interleaved.slice(i, i + size));
    if (random() < 0.3 && i > 0) {
      const from = Math.floor(random() * i);
      batches.push(interleaved.slice(from, Math.min(i + size, from + 1 + Math.floor(random() * 15))));
    }
    i += size;
  }
  return batches;
}
