import type { KafkaMessage } from 'kafkajs';
import { EventHeaders } from '@crm/contracts';
import { InboundHeaders } from './inbound-headers';
import { deadLetterMessage, fieldErrorsHeader, InboundReasons, nulCharacterPaths, parseInboundMessage } from './inbound-message';
import { messageEventId } from './message-event-id';

const at = { topic: 'p.crm.ingest.v1', partition: 1, groupId: 'ingest' };
const record = (value: string | Buffer | null, extra: Partial<KafkaMessage> = {}): KafkaMessage => ({
  key: Buffer.from('c-1'),
  value: typeof value === 'string' ? Buffer.from(value) : value,
  timestamp: '1767225600000',
  attributes: 0,
  offset: '7',
  headers: {},
  ...extra,
});
const derived = messageEventId({ topic: at.topic, partition: 1, offset: '7', timestamp: '1767225600000' });
const body = { type: 'crm.order.completed', customerId: 'c-1', data: { orderId: 'o-1', totalMinor: 1, currency: 'EUR' } };

describe('parseInboundMessage', () => {
  it('passes a JSON object on as the event, keeping its own id', () => {
    const id = '0b8f4f0e-8a3f-4f55-9d6c-2f1f7e0c4a11';
    expect(parseInboundMessage(record(JSON.stringify({ ...body, id })), at)).toEqual({ ok: true, eventId: id, event: { ...body, id } });
  });

  it('gives an event without id (absent or null) the id derived from topic, partition, offset and timestamp', () => {
    expect(parseInboundMessage(record(JSON.stringify(body)), at)).toEqual({ ok: true, eventId: derived, event: { ...body, id: derived } });
    expect(parseInboundMessage(record(JSON.stringify({ ...body, id: null })), at)).toMatchObject({ ok: true, event: { id: derived } });
  });

  it('leaves an id that is not a UUID for validation to refuse, and names the derived id instead', () => {
    expect(parseInboundMessage(record(JSON.stringify({ ...body, id: 'nope' })), at)).toEqual({
      ok: true,
      eventId: derived,
      event: { ...body, id: 'nope' },
    });
  });

  it('refuses a value that is not JSON, not an object, or empty, with a reason and a field error', () => {
    expect(parseInboundMessage(record('not json'), at)).toMatchObject({
      ok: false,
      eventId: derived,
      reason: InboundReasons.notJson,
      fieldErrors: [{ field: '', messages: [expect.stringMatching(/must be UTF-8 JSON/)] }],
    });
    for (const v of ['[1,2]', '42', '"x"', 'null']) {
      expect(parseInboundMessage(record(v), at)).toMatchObject({ ok: false, reason: InboundReasons.notObject });
    }
    expect(parseInboundMessage(record(null), at)).toMatchObject({ ok: false, reason: InboundReasons.emptyValue });
    expect(parseInboundMessage(record(Buffer.alloc(0)), at)).toMatchObject({ ok: false, reason: InboundReasons.emptyValue });
  });


  it('refuses strings holding U+0000, which the event store cannot keep, naming each field', () => {
    const value = JSON.stringify({ ...body, data: { ...body.data, orderId: 'o\u0000', items: [{ sku: 'a\u0000b' }], ['k\u0000']: 1 } });
    expect(parseInboundMessage(record(value), at)).toEqual({
      ok: false,
      eventId: derived,
      reason: InboundReasons.nulCharacter,
      fieldErrors: ['data.orderId', 'data.items.0.sku', 'data.k\\u0000'].map((field) => ({ field, messages: ['must not contain the NUL character (\\u0000)'] })),
    });
    expect(nulCharacterPaths({ a: 'fine', b: ['also fine'] })).toEqual([]);
  });
});

describe('deadLetterMessage', () => {
  const errors = [{ field: 'data.totalMinor', messages: ['totalMinor must be an integer number'] }];

  it('keeps key, value and the original headers, and adds reason, field errors, event id and where it came from', () => {
    const original = record('{"type":"x"}', { headers: { traceparent: Buffer.from('00-abc'), [EventHeaders.eventId]: 'e-1' } });
    const letter = deadLetterMessage(original, { ...at, eventId: derived }, { reason: InboundReasons.validationFailed, fieldErrors: errors });
    expect(letter.key).toBe(original.key);
    expect(letter.value).toBe(original.value);
    expect(letter.headers).toEqual({
      traceparent: Buffer.from('00-abc'),
      [EventHeaders.eventId]: 'e-1',
      'crm-dlq-error': 'validation failed',
      'crm-dlq-field-errors': JSON.stringify(errors),
      'crm-dlq-event-id': derived,
      'crm-dlq-consumer-group': 'ingest',
      'crm-dlq-original-topic': 'p.crm.ingest.v1',
      'crm-dlq-original-partition': '1',
      'crm-dlq-original-offset': '7',
    });
  });

  it('drops stale crm-dlq-* headers of a carelessly resubmitted dead letter', () => {
    const original = record('{}', { headers: { 'crm-dlq-error-stack': 'old', 'CRM-DLQ-Field-Errors': '[old]', keep: 'me' } });
    const letter = deadLetterMessage(original, { ...at, eventId: derived }, { reason: 'value is not JSON', fieldErrors: [] });
    expect(Object.keys(letter.headers ?? {}).sort()).toEqual([...Object.values(InboundHeaders).filter((h, i, all) => all.indexOf(h) === i), 'keep'].sort());
    expect(letter.headers?.[InboundHeaders.fieldErrors]).toBe('[]');
  });

  it('keeps the field-errors header bounded and valid JSON', () => {
    const many = Array.from({ length: 2_000 }, (_, i) => ({ field: `data.items.${i}.sku`, messages: ['sku must be a string'] }));
    const header = fieldErrorsHeader(many);
    expect(header.length).toBeLessThanOrEqual(16_000);
    const parsed = JSON.parse(header) as unknown[];
    expect(parsed.length).toBeGreaterThan(100);
    expect(parsed[0]).toEqual(many[0]);
  });
});
