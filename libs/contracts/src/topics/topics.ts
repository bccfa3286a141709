/** Topic names follow `crm.<subject>.v<major>`; a breaking change gets a new major. */
export const Topics = {
  customerEvents: 'crm.customer-events.v1',
  ingest: 'crm.ingest.v1',
  ingestDeadLetter: 'crm.ingest.dlq.v1',
  segmentMembership: 'crm.segment-membership.v1',
  loyaltyEvents: 'crm.loyalty-events.v1',
  lifecycleStages: 'crm.lifecycle-stages.v1',
} as const;

/** Dead letters of a read-side service: one topic per consumer group, so each team owns its own. */
export const deadLetterTopicFor = (service: string): string => `crm.${service}.dlq.v1`;

/** Kafka header names carried by every published customer event. */
export const EventHeaders = {
  eventId: 'ce-id',
  eventType: 'ce-type',
  schemaVersion: 'ce-schemaversion',
  source: 'ce-source',
  subject: 'ce-subject',
  time: 'ce-time',
  correlationId: 'crm-correlation-id',
  causationId: 'crm-causation-id',
  /** The event store stream the event belongs to (`customer-…`, `loyalty-…`, …). */
  streamId: 'crm-stream-id',
  streamRevision: 'crm-stream-revision',
  position: 'crm-position',
  // dead-letter headers
  error: 'crm-dlq-error',
  errorStack: 'crm-dlq-error-stack',
  failedConsumerGroup: 'crm-dlq-consumer-group',
  originalTopic: 'crm-dlq-original-topic',
  originalPartition: 'crm-dlq-original-partition',
  originalOffset: 'crm-dlq-original-offset',
  // dead letters of the inbound consumer (`crm.ingest.dlq.v1`) also carry:
  /** JSON array `[{ "field", "messages" }]`, as in HTTP's 400 body; `[]` when no field is to blame. */
  fieldErrors: 'crm-dlq-field-errors',
  /** The event id the refused message was judged under; resubmit with it. */
  deadLetterEventId: 'crm-dlq-event-id',
} as const;
