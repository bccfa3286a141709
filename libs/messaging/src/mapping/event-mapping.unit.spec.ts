import type { StoredEvent } from '@crm/event-store';
import { EventHeaders } from '@crm/contracts';
import { MalformedMessageError, parseCustomerEventMessage, toKafkaMessage, toNewEvent } from './event-mapping';

const envelope = {
  id: '6f1c2a52-6a57-4f5e-9d1e-0a3e2b1c4d5e',
  type: 'crm.order.completed',
  schemaVersion: 1,
  source: 'shop',
  subject: 'c-7',
  time: '2026-02-01T10:00:00.000Z',
  data: { orderId: 'o-1', totalMinor: 100, currency: 'EUR' },
  correlationId: 'corr-1',
};

describe('event mapping', () => {
  it('round-trips an envelope through the store and a Kafka message', () => {
    const newEvent = toNewEvent(envelope);
    const stored: StoredEvent = {
      ...newEvent,
      metadata: newEvent.metadata ?? {},
      streamId: 'customer-c-7',
      revision: 4,
      position: 123n,
      recordedAt: new Date('2026-02-01T10:00:01.000Z'),
    };
    const message = toKafkaMessage(stored);
    expect(message.key).toBe('c-7');
    expect(message.headers).toMatchObject({
      [EventHeaders.eventId]: envelope.id,
      [EventHeaders.streamRevision]: '4',
      [EventHeaders.position]: '123',
      [EventHeaders.correlationId]: 'corr-1',
    });
    const record = parseCustomerEventMessage({
      key: Buffer.from(String(message.key)),
      value: Buffer.from(String(message.value)),
      headers: Object.fromEntries(Object.entries(message.headers ?? {}).map(([k, v]) => [k, Buffer.from(String(v))])),
      timestamp: '0',
      attributes: 0,
      offset: '0',
      size: 0,
    });
    expect(record).toEqual({ envelope, streamId: 'customer-c-7', streamRevision: 4, position: '123' });
  });

  it('hands read sides the current version of an event stored in an older one', () => {
    const v1 = { ...envelope, type: 'crm.profile.updated', schemaVersion: 1, data: { email: 'ann@example.com', lastName: 'Lee' } };
    const record = parseCustomerEventMessage({
      key: null,
      value: Buffer.from(JSON.stringify(v1)),
      headers: { [EventHeaders.streamRevision]: Buffer.from('0') },
      timestamp: '0',
      attributes: 0,
      offset: '0',
      size: 0,
    });
    expect(record.envelope).toMatchObject({ schemaVersion: 2, data: { contact: { email: 'ann@example.com' }, lastName: 'Lee' } });
  });

  it('rejects messages a projection cannot use', () => {
    const base = { key: null, timestamp: '0', attributes: 0, offset: '0', size: 0 };
    expect(() => parseCustomerEventMessage({ ...base, value: Buffer.from('not json'), headers: {} })).toThrow(MalformedMessageError);
    expect(() => parseCustomerEventMessage({ ...base, value: Buffer.from(JSON.stringify(envelope)), headers: {} })).toThrow(/stream-revision/);
    expect(() => parseCustomerEventMessage({ ...base, value: null, headers: {} })).toThrow(/empty/);
  });

  it('refuses a customer event whose data breaks its contract, naming the fields, but not a derived event of a type it does not know', () => {
    const base = { key: null, timestamp: '0', attributes: 0, offset: '0', size: 0 };
    const headers = { [EventHeaders.streamRevision]: '0', [EventHeaders.position]: '9' };
    const broken = { ...envelope, data: { orderId: 'o-1', totalMinor: 'lots', currency: 'EUR', extra: 1 } };
    expect(() => parseCustomerEventMessage({ ...base, value: Buffer.from(JSON.stringify(broken)), headers })).toThrow(
      /crm.order.completed breaks its contract: data.extra: property extra should not exist; data.totalMinor: .*integer/,
    );
    const derived = { ...envelope, type: 'crm.loyalty.points-earned', data: { points: 5 } };
    const record = parseCustomerEventMessage({ ...base, value: Buffer.from(JSON.stringify(derived)), headers: { ...headers, [EventHeaders.streamId]: 'loyalty-c-7' } });
    expect(record).toMatchObject({ streamId: 'loyalty-c-7', envelope: { type: 'crm.loyalty.points-earned' } });
  });
});
