import type { EventEnvelope } from '@crm/contracts';

/** Test fixtures: times as days after 2026-01-01, envelopes for one customer, ids in order. */
const START = Date.parse('2026-01-01T00:00:00.000Z');
export const day = (n: number, hours = 0): string => new Date(START + n * 86_400_000 + hours * 3_600_000).toISOString();

export function eventFactory(subject = 'c1') {
  let n = 0;
  return (type: string, data: Record<string, unknown>, time: string, schemaVersion = 1): EventEnvelope => ({
    id: `${subject}-e${n++}`,
    type,
    schemaVersion,
    source: 'test',
    subject,
    time,
    data,
  });
}
