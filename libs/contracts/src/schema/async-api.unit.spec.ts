import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { CATALOGUE_EXAMPLES } from '../examples/catalogue-examples';
import { CUSTOMER_EVENT_TYPES } from '../events/event-catalogue';
import { EventHeaders, Topics } from '../topics/topics';
import { asyncApiDocument } from './async-api';
import { contractFiles } from './contract-files';

type Json = Record<string, unknown>;

const resolvePointer = (doc: unknown, ref: string): unknown =>
  ref
    .replace(/^#\//, '')
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<unknown>((node, key) => (node as Json | undefined)?.[key], doc);

const refsIn = (node: unknown): string[] =>
  Array.isArray(node)
    ? node.flatMap(refsIn)
    : node && typeof node === 'object'
      ? Object.entries(node).flatMap(([k, v]) => (k === '$ref' && typeof v === 'string' ? [v] : refsIn(v)))
      : [];

describe('asyncApiDocument', () => {
  const doc = asyncApiDocument() as Json & { channels: Record<string, Json>; operations: Record<string, Json>; components: { schemas: Json; messages: Json } };

  it('is AsyncAPI 3.0 with the platform topics as channels', () => {
    expect(doc.asyncapi).toBe('3.0.0');
    expect(Object.values(doc.channels).map((c) => c['address']).sort()).toEqual(
      [Topics.ingest, Topics.customerEvents, Topics.ingestDeadLetter, Topics.segmentMembership, Topics.loyaltyEvents].sort(),
    );
    expect(Object.keys(doc.channels['ingest']['messages'] as Json)).toEqual(CUSTOMER_EVENT_TYPES);
    // Published: everything integrators send, plus what the platform derives (never accepted on the way in).
    expect(Object.keys(doc.channels['customerEvents']['messages'] as Json)).toEqual([...CUSTOMER_EVENT_TYPES, 'crm.customer.merged']);
    expect(Object.keys(doc.channels['ingest']['messages'] as Json)).not.toContain('crm.customer.merged');
  });

  it('resolves every $ref inside the document', () => {
    const refs = [...new Set(refsIn(doc))];
    expect(refs.length).toBeGreaterThan(CUSTOMER_EVENT_TYPES.length);
    for (const ref of refs) {
      expect(ref.startsWith('#/')).toBe(true);
      expect([ref, resolvePointer(doc, ref)]).toEqual([ref, expect.anything()]);
    }
  });

  it('names the published headers from EventHeaders', () => {
    const headers = doc.components.schemas['CustomerEventHeaders'] as { properties: Json };
    expect(Object.keys(headers.properties)).toEqual(
      expect.arrayContaining([EventHeaders.eventId, EventHeaders.eventType, EventHeaders.schemaVersion, EventHeaders.subject, EventHeaders.position]),
    );
    const dlq = doc.components.schemas['IngestDeadLetterHeaders'] as { properties: Json };
    expect(Object.keys(dlq.properties)).toEqual(expect.arrayContaining([EventHeaders.error, EventHeaders.fieldErrors, EventHeaders.originalOffset]));
  });

  it('has message payload schemas that compile and judge the examples', () => {
    const ajv = addFormats(new Ajv({ strict: false }));
    ajv.addSchema(doc, 'asyncapi');
    for (const type of CUSTOMER_EVENT_TYPES) {
      const validate = ajv.getSchema(`asyncapi#/components/schemas/${type}.request`)!;
      expect(validate(CATALOGUE_EXAMPLES[type].valid)).toBe(true);
      expect(validate(CATALOGUE_EXAMPLES[type].invalid)).toBe(false);
    }
  });
});

describe('contractFiles', () => {
  it('writes a schema per type and the AsyncAPI document, as valid, deterministic JSON', () => {
    const first = contractFiles();
    expect(Object.keys(first).sort()).toEqual(['asyncapi.json', ...CUSTOMER_EVENT_TYPES.map((t) => `schemas/${t}.schema.json`)].sort());
    for (const text of Object.values(first)) {
      expect(() => JSON.parse(text)).not.toThrow();
      expect(text.endsWith('\n')).toBe(true);
    }
    expect(contractFiles()).toEqual(first);
    expect(JSON.parse(first['schemas/crm.order.completed.schema.json'])['properties']['type']).toEqual({ type: 'string', const: 'crm.order.completed' });
  });
});
