import { INBOUND_EVENT_ID_NAMESPACE, messageEventId, nameBasedUuid } from './message-event-id';

const at = { topic: 'crm.ingest.v1', partition: 2, offset: '41', timestamp: '1767225600000' };

describe('nameBasedUuid', () => {
  it('computes RFC 4122 version 5 ids (the RFC\'s DNS example)', () => {
    // uuid.v5('www.example.com', uuid.v5.DNS)
    expect(nameBasedUuid('6ba7b810-9dad-11d1-80b4-00c04fd430c8', 'www.example.com')).toBe('2ed6657d-e927-568b-95e1-2665a8aea6a2');
  });

  it('refuses a namespace that is not a UUID', () => {
    expect(() => nameBasedUuid('nope', 'x')).toThrow(/namespace/);
  });
});

describe('messageEventId', () => {
  it('gives a redelivered record the same id', () => {
    expect(messageEventId(at)).toBe(messageEventId({ ...at }));
  });

  it('is a version 5 UUID in the inbound namespace', () => {
    const id = messageEventId(at);
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(id).toBe(nameBasedUuid(INBOUND_EVENT_ID_NAMESPACE, 'crm.ingest.v1/2/41/1767225600000'));
  });

  it('differs for every other coordinate: topic (prefix), partition, offset, timestamp', () => {
    const ids = [
      at,
      { ...at, topic: 'staging.crm.ingest.v1' },
      { ...at, partition: 1 },
      { ...at, offset: '42' },
      { ...at, timestamp: '1767225600001' },
    ].map(messageEventId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('keeps names unambiguous (partition 1 offset 23 is not partition 12 offset 3)', () => {
    expect(messageEventId({ ...at, partition: 1, offset: '23' })).not.toBe(messageEventId({ ...at, partition: 12, offset: '3' }));
  });
});
