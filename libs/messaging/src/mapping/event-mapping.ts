import type { IHeaders, KafkaMessage, Message } from 'kafkajs';
import { EventHeaders, parseStreamId, upcast, validateEventData, type CustomerEventRecord, type EventEnvelope } from '@crm/contracts';
import type { NewEvent, StoredEvent } from '@crm/event-store';

/** Envelope → what the event store keeps: data as data, the rest of the envelope as metadata. */
export function toNewEvent(envelope: EventEnvelope): NewEvent {
  const { id, type, data, ...meta } = envelope;
  return { eventId: id, type, data: data as Record<string, unknown>, metadata: meta };
}

/** Stored event → envelope, the inverse of `toNewEvent`. */
export function envelopeFromStoredEvent(stored: StoredEvent): EventEnvelope {
  const m = stored.metadata as Partial<EventEnvelope>;
  return {
    id: stored.eventId,
    type: stored.type,
    schemaVersion: m.schemaVersion ?? 1,
    source: m.source ?? 'unknown',
    subject: m.subject ?? parseStreamId(stored.streamId)?.customerId ?? stored.streamId,
    time: m.time ?? stored.recordedAt.toISOString(),
    data: stored.data,
    ...(m.correlationId ? { correlationId: m.correlationId } : {}),
    ...(m.causationId ? { causationId: m.causationId } : {}),
  };
}

/** Stored event → Kafka message keyed by customer id, so one customer's events share a partition (per topic). */
export function toKafkaMessage(stored: StoredEvent): Message {
  const envelope = envelopeFromStoredEvent(stored);
  const headers: IHeaders = {
    [EventHeaders.eventId]: envelope.id,
    [EventHeaders.eventType]: envelope.type,
    [EventHeaders.schemaVersion]: String(envelope.schemaVersion),
    [EventHeaders.source]: envelope.source,
    [EventHeaders.subject]: envelope.subject,
    [EventHeaders.time]: envelope.time,
    [EventHeaders.streamId]: stored.streamId,
    [EventHeaders.streamRevision]: String(stored.revision),
    [EventHeaders.position]: stored.position.toString(),
  };
  if (envelope.correlationId) headers[EventHeaders.correlationId] = envelope.correlationId;
  if (envelope.causationId) headers[EventHeaders.causationId] = envelope.causationId;
  const key = parseStreamId(stored.streamId)?.customerId ?? envelope.subject;
  return { key, value: JSON.stringify(envelope), headers };
}

export class MalformedMessageError extends Error {
  constructor(reason: string) {
    super(`malformed customer event message: ${reason}`);
    this.name = 'MalformedMessageError';
  }
}

const header = (headers: IHeaders | undefined, name: string): string | undefined => {
  const value = headers?.[name];
  if (value === undefined) return undefined;
  return (Array.isArray(value) ? value[0] : value)?.toString();
};

/** Kafka message → record for projections (upcast to the current schema version); throws MalformedMessageError for anything unusable. */
export function parseCustomerEventMessage(message: KafkaMessage): CustomerEventRecord {
  if (!message.value) throw new MalformedMessageError('empty value');
  let envelope: EventEnvelope;
  try {
    envelope = JSON.parse(message.value.toString()) as EventEnvelope;
  } catch {
    throw new MalformedMessageError('value is not JSON');
  }
  if (typeof envelope !== 'object' || envelope === null) throw new MalformedMessageError('value is not an object');
  for (const field of ['id', 'type', 'subject', 'time'] as const) {
    if (typeof envelope[field] !== 'string') throw new MalformedMessageError(`envelope.${field} missing`);
  }
  if (typeof envelope.data !== 'object' || envelope.data === null) throw new MalformedMessageError('envelope.data missing');
  const revision = Number(header(message.headers, EventHeaders.streamRevision));
  if (!Number.isSafeInteger(revision) || revision < 0) throw new MalformedMessageError(`${EventHeaders.streamRevision} header missing`);
  const position = header(message.headers, EventHeaders.position) ?? '0';
  const streamId = header(message.headers, EventHeaders.streamId);
  // Kafka carries events as stored; read sides always fold the current version of each type.
  const current = upcast(envelope);
  if (streamId === undefined || parseStreamId(streamId)?.category === 'customer') {
    // Anyone with write access to the topic could bypass ingest: a customer event that breaks its
    // contract is refused here (and dead-lettered with the reason) instead of corrupting read models.
    const errors = validateEventData(current.type, current.data);
    if (errors && errors.length > 0) {
      throw new MalformedMessageError(`${current.type} breaks its contract: ${errors.map((e) => `${e.field}: ${e.messages.join(', ')}`).join('; ')}`);
    }
  }
  return { envelope: current, ...(streamId ? { streamId } : {}), streamRevision: revision, position };
}
