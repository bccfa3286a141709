import { createHash } from 'node:crypto';

/** Namespace of event ids derived from Kafka coordinates (fixed forever: changing it changes every derived id). */
export const INBOUND_EVENT_ID_NAMESPACE = '205b9de3-eda0-4053-bcf7-ca74da2da70f';

/** RFC 4122 name-based UUID, version 5 (SHA-1), as `uuid.v5(name, namespace)` computes it. */
export function nameBasedUuid(namespace: string, name: string): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  if (ns.length !== 16) throw new Error(`namespace must be a UUID: ${namespace}`);
  const h = createHash('sha1').update(ns).update(name, 'utf8').digest();
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

export interface MessageCoordinates {
  /** The topic as deployed (with its prefix). */
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
  /** The record's timestamp as stored in the log (ms, decimal string): the same on every redelivery. */
  readonly timestamp: string;
}

/**
 * The id of an event sent without one: derived from where the record sits in the log, so every
 * redelivery of that record maps to the same event id and stores nothing twice. The record's
 * timestamp is part of the name, so a topic deleted and re-created (offsets start again at 0)
 * does not reuse the ids of the old records. Two separate publications of the same bytes are
 * two records, hence two events: integrators who retry publishing must send their own `id`.
 */
export const messageEventId = (c: MessageCoordinates): string =>
  nameBasedUuid(INBOUND_EVENT_ID_NAMESPACE, `${c.topic}/${c.partition}/${c.offset}/${c.timestamp}`);
