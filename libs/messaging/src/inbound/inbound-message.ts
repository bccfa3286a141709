import type { IHeaders, KafkaMessage, Message } from 'kafkajs';
import type { FieldError } from '@crm/contracts';
import { DEAD_LETTER_HEADER_PREFIX, InboundHeaders } from './inbound-headers';
import { messageEventId } from './message-event-id';

/** Why a message was refused; becomes the dead letter's headers. */
export interface InboundRefusal {
  /** Short reason, e.g. `validation failed`. */
  readonly reason: string;
  readonly fieldErrors: readonly FieldError[];
}

export const InboundReasons = {
  validationFailed: 'validation failed',
  emptyValue: 'value is empty',
  notJson: 'value is not JSON',
  notObject: 'value is not a JSON object',
  nulCharacter: 'value contains the NUL character',
} as const;

export type ParsedInboundMessage =
  | { readonly ok: true; readonly eventId: string; readonly event: Record<string, unknown> }
  | ({ readonly ok: false; readonly eventId: string } & InboundRefusal);

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * An integrator's record → the request body HTTP would have received (`POST /v1/events`). An event
 * without `id` (absent or null) gets the id derived from the record's place in the log, so a
 * redelivery is recognised as a duplicate. Anything that is not a JSON object is refused here;
 * everything else is judged by the shared ingest validation.
 */
export function parseInboundMessage(message: KafkaMessage, at: { topic: string; partition: number }): ParsedInboundMessage {
  const derivedId = messageEventId({ topic: at.topic, partition: at.partition, offset: message.offset, timestamp: message.timestamp });
  const refuse = (reason: string, messages: string[]): ParsedInboundMessage => ({
    ok: false,
    eventId: derivedId,
    reason,
    fieldErrors: [{ field: '', messages }],
  });
  if (message.value === null || message.value.length === 0) return refuse(InboundReasons.emptyValue, ['event must be a JSON object']);
  let value: unknown;
  try {
    value = JSON.parse(message.value.toString('utf8'));
  } catch (error) {
    return refuse(InboundReasons.notJson, [`value must be UTF-8 JSON (${(error as Error).message})`]);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return refuse(InboundReasons.notObject, ['event must be a JSON object']);
  const event = value as Record<string, unknown>;
  const hasId = event['id'] !== undefined && event['id'] !== null;
  // An id that is not a UUID fails validation; the dead letter then suggests the derived one.
  const eventId = hasId && typeof event['id'] === 'string' && UUID.test(event['id']) ? event['id'] : derivedId;
  // PostgreSQL cannot store U+0000 in jsonb: the append would fail on every retry and block the
  // partition, so such an event is refused here.
  const nul = nulCharacterPaths(event);
  if (nul.length > 0) {
    const fieldErrors = nul.map((field) => ({ field, messages: ['must not contain the NUL character (\\u0000)'] }));
    return { ok: false, eventId, reason: InboundReasons.nulCharacter, fieldErrors };
  }
  if (!hasId) return { ok: true, eventId, event: { ...event, id: eventId } };
  return { ok: true, eventId, event };
}

const printable = (path: string) => path.split('\u0000').join('\\u0000');

/** Dotted paths of the strings (values or keys) holding U+0000; at most `limit`. */
export function nulCharacterPaths(value: unknown, path = '', found: string[] = [], limit = 20): string[] {
  if (found.length >= limit) return found;
  if (typeof value === 'string') {
    if (value.includes('\u0000')) found.push(printable(path));
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => nulCharacterPaths(v, path ? `${path}.${i}` : String(i), found, limit));
  } else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      const at = path ? `${path}.${k}` : k;
      if (k.includes('\u0000') && found.length < limit) found.push(printable(at));
      nulCharacterPaths(v, at, found, limit);
    }
  }
  return found;
}

/** Longest `crm-dlq-field-errors` header; further errors are left out (the first ones still say what to fix). */
const MAX_FIELD_ERRORS_BYTES = 16_000;

export function fieldErrorsHeader(errors: readonly FieldError[]): string {
  const kept: FieldError[] = [];
  for (const e of errors) {
    if (JSON.stringify([...kept, e]).length > MAX_FIELD_ERRORS_BYTES) break;
    kept.push(e);
  }
  return JSON.stringify(kept);
}

/**
 * The dead letter of a refused record: its key and value unchanged, its own headers kept (except
 * stale `crm-dlq-*` ones from an earlier dead-lettering), and the refusal in `crm-dlq-*` headers.
 */
export function deadLetterMessage(
  message: KafkaMessage,
  at: { topic: string; partition: number; groupId: string; eventId: string },
  refusal: InboundRefusal,
): Message {
  const headers: IHeaders = {};
  for (const [k, v] of Object.entries(message.headers ?? {})) {
    if (v !== undefined && !k.toLowerCase().startsWith(DEAD_LETTER_HEADER_PREFIX)) headers[k] = v;
  }
  Object.assign(headers, {
    [InboundHeaders.error]: refusal.reason.slice(0, 2_000),
    [InboundHeaders.fieldErrors]: fieldErrorsHeader(refusal.fieldErrors),
    [InboundHeaders.eventId]: at.eventId.slice(0, 200),
    [InboundHeaders.failedConsumerGroup]: at.groupId,
    [InboundHeaders.originalTopic]: at.topic,
    [InboundHeaders.originalPartition]: String(at.partition),
    [InboundHeaders.originalOffset]: message.offset,
  });
  return { key: message.key, value: message.value, headers };
}
