import { EventHeaders } from '@crm/contracts';

/**
 * Headers added to dead letters of the inbound (integrator → `crm.ingest.v1`) consumer, on top of
 * the shared dead-letter headers in `EventHeaders` (`crm-dlq-error`, `crm-dlq-consumer-group`,
 * `crm-dlq-original-topic|partition|offset`), which keep their names and meaning.
 */
export const InboundHeaders = {
  /** Why the message was refused, e.g. `validation failed`, `value is not JSON`. */
  error: EventHeaders.error,
  /** JSON array `[{ "field": "data.totalMinor", "messages": ["…"] }]`, the same as HTTP's 400 body; `[]` when no field is to blame. */
  fieldErrors: 'crm-dlq-field-errors',
  /** The event id the message was judged under: its own `id`, or the one derived from topic/partition/offset. Resubmit with it. */
  eventId: 'crm-dlq-event-id',
  failedConsumerGroup: EventHeaders.failedConsumerGroup,
  originalTopic: EventHeaders.originalTopic,
  originalPartition: EventHeaders.originalPartition,
  originalOffset: EventHeaders.originalOffset,
} as const;

/** Every dead-letter header starts with this; a resubmitted message should drop them. */
export const DEAD_LETTER_HEADER_PREFIX = 'crm-dlq-';
