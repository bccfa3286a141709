import { randomUUID } from 'node:crypto';
import { streamIdOf, type CustomerEventRecord, type StreamCategory } from '@crm/contracts';

/**
 * Builds records as the consumer hands them to the projections: revisions counted per stream,
 * positions increasing across the log (starting at `firstPosition`).
 */
export function recordFactory(firstPosition = 1) {
  const revisions = new Map<string, number>();
  let position = firstPosition;
  return (subject: string, type: string, data: Record<string, unknown>, time: string, category: StreamCategory = 'customer'): CustomerEventRecord => {
    const streamId = streamIdOf(category, subject);
    const revision = (revisions.get(streamId) ?? -1) + 1;
    revisions.set(streamId, revision);
    return {
      envelope: { id: randomUUID(), type, schemaVersion: type === 'crm.profile.updated' ? 2 : 1, source: 'it', subject, time, data },
      ...(category === 'customer' ? {} : { streamId }),
      streamRevision: revision,
      position: String(position++),
    };
  };
}

const START = Date.parse('2026-03-01T08:00:00.000Z');
/** `day(3)` = three days after 2026-03-01T08:00Z. */
export const day = (n: number, hours = 0): string => new Date(START + n * 86_400_000 + hours * 3_600_000).toISOString();
