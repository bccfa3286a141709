import { DERIVED_EVENT_CATALOGUE, EVENT_CATALOGUE, findStoredEventType } from '../events/event-catalogue';
import { CATALOGUE_EXAMPLES } from '../examples/catalogue-examples';
import { EventHeaders, Topics } from '../topics/topics';
import { classSchemas, REQUEST_NESTED_CLASSES, requestSchemaFor, type JsonSchema } from './event-json-schemas';

const SCHEMAS = '#/components/schemas/';
const KAFKA_BINDING_VERSION = '0.5.0';

const customerKey = {
  kafka: {
    key: { type: 'string', description: 'The customer id, so one customer’s events share a partition and stay ordered.' },
    bindingVersion: KAFKA_BINDING_VERSION,
  },
};

const str = (description: string, extra: JsonSchema = {}): JsonSchema => ({ type: 'string', description, ...extra });

/** The envelope ingest stores and the relay publishes for one type (the value on `crm.customer-events.v1`). */
export function envelopeSchemaFor(type: string, refPrefix: string): JsonSchema {
  const definition = findStoredEventType(type);
  if (!definition) throw new Error(`unknown event type ${type}`);
  return {
    title: `${type} envelope`,
    description: definition.description,
    type: 'object',
    required: ['id', 'type', 'schemaVersion', 'source', 'subject', 'time', 'data'],
    properties: {
      id: str('Event id, the idempotency key'),
      type: { type: 'string', const: type },
      schemaVersion: {
        type: 'integer',
        const: definition.schemaVersion,
        description: 'Events stored under an older version keep it; read them through `upcast` (@crm/contracts).',
      },
      source: str('Who sent it'),
      subject: str('The customer id'),
      time: str('When it happened', { format: 'date-time' }),
      data: { $ref: `${refPrefix}${definition.dataClass.name}` },
      correlationId: str('Correlation id'),
      causationId: str('Id of the event or command that caused this one'),
    },
    additionalProperties: false,
  };
}

const customerEventHeaders: JsonSchema = {
  type: 'object',
  required: [
    EventHeaders.eventId,
    EventHeaders.eventType,
    EventHeaders.schemaVersion,
    EventHeaders.source,
    EventHeaders.subject,
    EventHeaders.time,
    EventHeaders.streamRevision,
    EventHeaders.position,
  ],
  properties: {
    [EventHeaders.eventId]: str('Event id (= envelope `id`)'),
    [EventHeaders.eventType]: str('Event type (= envelope `type`)'),
    [EventHeaders.schemaVersion]: str('Schema version, decimal'),
    [EventHeaders.source]: str('Envelope `source`'),
    [EventHeaders.subject]: str('Customer id (= message key)'),
    [EventHeaders.time]: str('Envelope `time`, ISO 8601'),
    [EventHeaders.streamRevision]: str('0-based revision in the customer’s stream, decimal: the idempotency guard of projections'),
    [EventHeaders.position]: str('Global log position, decimal (64-bit)'),
    [EventHeaders.correlationId]: str('Correlation id, when the event has one'),
    [EventHeaders.causationId]: str('Causation id, when the event has one'),
  },
};

const ingestDeadLetterHeaders: JsonSchema = {
  type: 'object',
  required: [EventHeaders.error, EventHeaders.originalTopic, EventHeaders.originalPartition, EventHeaders.originalOffset],
  properties: {
    [EventHeaders.error]: str('Why the message was refused, e.g. `validation failed`, `value is not JSON`'),
    [EventHeaders.fieldErrors]: str('JSON array `[{ "field": "data.totalMinor", "messages": ["…"] }]`, as in the HTTP 400 body; `[]` when no field is to blame'),
    [EventHeaders.deadLetterEventId]: str('The event id the message was judged under; resubmit with it'),
    [EventHeaders.failedConsumerGroup]: str('Consumer group that refused it'),
    [EventHeaders.originalTopic]: str('Topic it was read from'),
    [EventHeaders.originalPartition]: str('Partition it was read from, decimal'),
    [EventHeaders.originalOffset]: str('Offset it was read from, decimal'),
  },
};

const messageRefs = (channel: string, ids: string[]) =>
  ids.map((id) => ({ $ref: `#/channels/${channel}/messages/${id}` }));

/**
 * The AsyncAPI 3.0 description of the platform's topics, from the platform's point of view
 * (ingest receives integrators' events, the relay sends customer events), with every message
 * payload generated from the same class-validator classes as the JSON Schemas.
 */
export function asyncApiDocument(): Record<string, unknown> {
  const stored = [...EVENT_CATALOGUE, ...DERIVED_EVENT_CATALOGUE];
  const schemas: Record<string, JsonSchema> = { ...classSchemas([...stored.map((d) => d.dataClass), ...REQUEST_NESTED_CLASSES], SCHEMAS) };
  const ingestMessages: Record<string, unknown> = {};
  const eventMessages: Record<string, unknown> = {};
  const componentsMessages: Record<string, unknown> = {};

  for (const definition of EVENT_CATALOGUE) {
    const { type } = definition;
    schemas[`${type}.request`] = requestSchemaFor(type, SCHEMAS);
    schemas[`${type}.envelope`] = envelopeSchemaFor(type, SCHEMAS);
    const example = CATALOGUE_EXAMPLES[type]?.valid;
    componentsMessages[`${type}.request`] = {
      name: type,
      title: `${type} (v${definition.schemaVersion}), as sent`,
      summary: definition.description,
      contentType: 'application/json',
      payload: { $ref: `${SCHEMAS}${type}.request` },
      bindings: customerKey,
      ...(example ? { examples: [{ name: 'valid', key: example.customerId, payload: example }] } : {}),
    };
    componentsMessages[`${type}.envelope`] = {
      name: type,
      title: `${type} (v${definition.schemaVersion}), as stored and published`,
      summary: definition.description,
      contentType: 'application/json',
      headers: { $ref: '#/components/schemas/CustomerEventHeaders' },
      payload: { $ref: `${SCHEMAS}${type}.envelope` },
      bindings: customerKey,
    };
    ingestMessages[type] = { $ref: `#/components/messages/${type}.request` };
    eventMessages[type] = { $ref: `#/components/messages/${type}.envelope` };
  }
  // Events the platform derives itself (e.g. a merge caused by an identity link): published, never accepted.
  for (const definition of DERIVED_EVENT_CATALOGUE) {
    const { type } = definition;
    schemas[`${type}.envelope`] = envelopeSchemaFor(type, SCHEMAS);
    componentsMessages[`${type}.envelope`] = {
      name: type,
      title: `${type} (v${definition.schemaVersion}), produced by ingest and published`,
      summary: definition.description,
      contentType: 'application/json',
      headers: { $ref: '#/components/schemas/CustomerEventHeaders' },
      payload: { $ref: `${SCHEMAS}${type}.envelope` },
      bindings: customerKey,
    };
    eventMessages[type] = { $ref: `#/components/messages/${type}.envelope` };
  }
  schemas['CustomerEventHeaders'] = customerEventHeaders;
  schemas['IngestDeadLetterHeaders'] = ingestDeadLetterHeaders;
  componentsMessages['ingest.dead-letter'] = {
    name: 'ingest.dead-letter',
    title: 'A refused inbound message',
    summary: 'The message value exactly as it was read from crm.ingest.v1 (it may not even be JSON), with why it was refused.',
    headers: { $ref: '#/components/schemas/IngestDeadLetterHeaders' },
    payload: { description: 'The original message value, unchanged' },
    bindings: { kafka: { key: { type: 'string', description: 'The original message key' }, bindingVersion: KAFKA_BINDING_VERSION } },
  };

  const types = EVENT_CATALOGUE.map((d) => d.type);
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'CRM platform events',
      version: '1.0.0',
      description:
        'Customer events enter on crm.ingest.v1 (or POST /v1/events), are validated against the catalogue, stored, and published on crm.customer-events.v1. Message keys are customer ids. Payload schemas are generated from the class-validator classes ingest validates with (also at GET /v1/schemas).',
      license: { name: 'Apache-2.0', url: 'https://www.apache.org/licenses/LICENSE-2.0' },
    },
    defaultContentType: 'application/json',
    channels: {
      ingest: {
        address: Topics.ingest,
        title: 'Inbound customer events',
        description: 'What integrators publish: one event per message, shaped as for POST /v1/events. Invalid ones go to crm.ingest.dlq.v1.',
        messages: ingestMessages,
      },
      customerEvents: {
        address: Topics.customerEvents,
        title: 'Stored customer events',
        description: 'Every stored customer event, published by the relay after it was stored (at least once; projections are idempotent by stream revision).',
        messages: eventMessages,
      },
      ingestDeadLetter: {
        address: Topics.ingestDeadLetter,
        title: 'Refused inbound events',
        description: 'Messages from crm.ingest.v1 that ingest refused, with the reason in headers. Fix and resubmit with the same event id.',
        messages: { deadLetter: { $ref: '#/components/messages/ingest.dead-letter' } },
      },
      segmentMembership: {
        address: Topics.segmentMembership,
        title: 'Segment membership changes',
        description: 'Declared: customers entering and leaving segments (messages to be specified).',
      },
      loyaltyEvents: {
        address: Topics.loyaltyEvents,
        title: 'Loyalty events',
        description: 'Declared: points earned, redeemed and tier changes (messages to be specified).',
      },
    },
    operations: {
      receiveIngestEvents: {
        action: 'receive',
        title: 'Ingest receives integrators’ events',
        channel: { $ref: '#/channels/ingest' },
        messages: messageRefs('ingest', types),
      },
      sendCustomerEvents: {
        action: 'send',
        title: 'The relay publishes stored events',
        channel: { $ref: '#/channels/customerEvents' },
        messages: messageRefs('customerEvents', types),
      },
      sendIngestDeadLetters: {
        action: 'send',
        title: 'Ingest dead-letters refused inbound messages',
        channel: { $ref: '#/channels/ingestDeadLetter' },
        messages: messageRefs('ingestDeadLetter', ['deadLetter']),
      },
    },
    components: { schemas, messages: componentsMessages },
  };
}
