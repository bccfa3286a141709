import fc from 'fast-check';
import { CUSTOMER_EVENT_TYPES } from '../events/event-catalogue';
import { validateCustomerEvent } from './validate-customer-event';

// Thousands of random and hostile payloads: validation must never throw, never accept what the
// catalogue does not describe, and never let a payload touch shared prototypes.
const now = new Date('2026-06-01T00:00:00.000Z');
const runs = { numRuns: 2_000 };

const validOrder = fc.record({
  type: fc.constant('crm.order.completed'),
  customerId: fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,63}$/),
  data: fc.record({
    orderId: fc.string({ minLength: 1, maxLength: 64 }),
    totalMinor: fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
    currency: fc.constantFrom('EUR', 'USD', 'GBP', 'SEK', 'JPY'),
  }),
});

describe('validateCustomerEvent under random and hostile input', () => {
  afterEach(() => {
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('never throws, and accepts only known event types', () => {
    fc.assert(
      fc.property(fc.anything({ withObjectString: true, withNullPrototype: true }), (input) => {
        const outcome = validateCustomerEvent(input, { now });
        if (outcome.ok) expect(CUSTOMER_EVENT_TYPES).toContain(outcome.value.type);
      }),
      runs,
    );
  });

  it('never throws on JSON-shaped events with arbitrary fields and values', () => {
    const eventLike = fc.record(
      {
        type: fc.oneof(fc.constantFrom(...CUSTOMER_EVENT_TYPES), fc.string()),
        customerId: fc.oneof(fc.string(), fc.integer(), fc.constant(null)),
        data: fc.oneof(fc.dictionary(fc.string(), fc.jsonValue()), fc.jsonValue()),
        time: fc.oneof(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), fc.string()),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(eventLike, (input) => {
        const outcome = validateCustomerEvent(input, { now });
        if (!outcome.ok) expect(outcome.errors.length).toBeGreaterThan(0);
      }),
      runs,
    );
  });

  it('accepts every well-formed order, and rejects it once an unknown field is added anywhere', () => {
    fc.assert(
      fc.property(validOrder, fc.string({ minLength: 1 }), fc.jsonValue(), fc.boolean(), (event, key, value, inData) => {
        expect(validateCustomerEvent(event, { now }).ok).toBe(true);
        const known = inData ? ['orderId', 'totalMinor', 'currency', 'items'] : ['id', 'type', 'customerId', 'time', 'source', 'correlationId', 'causationId', 'data'];
        fc.pre(!known.includes(key) && key !== '__proto__');
        const tampered = inData ? { ...event, data: { ...event.data, [key]: value } } : { ...event, [key]: value };
        const outcome = validateCustomerEvent(tampered, { now });
        expect(outcome.ok).toBe(false);
      }),
      runs,
    );
  });

  it('is not fooled by prototype tricks or oversized strings', () => {
    const hostile = [
      JSON.parse('{"__proto__": {"polluted": true}, "type": "crm.order.completed", "customerId": "c", "data": {}}'),
      JSON.parse('{"type": "crm.order.completed", "customerId": "c", "data": {"__proto__": {"polluted": true}, "orderId": "o", "totalMinor": 1, "currency": "EUR"}}'),
      { type: 'crm.order.completed', customerId: 'c', data: { constructor: { prototype: { polluted: true } }, orderId: 'o', totalMinor: 1, currency: 'EUR' } },
      { type: 'crm.order.completed', customerId: 'c'.repeat(100_000), data: { orderId: 'o', totalMinor: 1, currency: 'EUR' } },
      { type: 'crm.order.completed', customerId: 'c', data: { orderId: 'o'.repeat(1_000_000), totalMinor: 1, currency: 'EUR' } },
      { type: 'crm.order.completed', customerId: 'c', data: { orderId: 'o', totalMinor: 1e308, currency: 'EUR' } },
      { type: 'crm.order.completed', customerId: 'c', data: { orderId: 'o', totalMinor: -0.5, currency: 'EUR' } },
      { type: 'crm.order.completed', customerId: 'c', data: { orderId: 'o\u0000', totalMinor: 1, currency: 'EUR' } },
      { type: 'crm.order.completed', customerId: 'c', data: { orderId: 'o', totalMinor: 1, currency: 'EUR' }, toString: 'x' },
      { type: 'crm.order.completed', customerId: 'c', source: '\ud800', data: { orderId: 'o', totalMinor: 1, currency: 'EUR' } },
    ];
    for (const input of hostile) expect(validateCustomerEvent(input, { now }).ok).toBe(false);
  });
});
