import { validateCustomerEvent } from './validate-customer-event';
import { envelopeFromRequest } from '../envelope/envelope-from-request';

const now = new Date('2026-01-10T12:00:00.000Z');
const valid = {
  type: 'crm.order.completed',
  customerId: 'c-1',
  data: { orderId: 'o-1', totalMinor: 1999, currency: 'EUR', items: [{ sku: 'A', quantity: 1, unitPriceMinor: 1999 }] },
};

describe('validateCustomerEvent', () => {
  it('accepts a valid order and completes it into an envelope', () => {
    const outcome = validateCustomerEvent(valid, { now });
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    const envelope = envelopeFromRequest(outcome.value, { newId: () => 'id-1', now, defaultSource: 'test' });
    expect(envelope).toMatchObject({ id: 'id-1', type: 'crm.order.completed', subject: 'c-1', schemaVersion: 1, time: now.toISOString() });
    expect(envelope.data).toEqual(valid.data);
  });

  it('reports each bad field by its path', () => {
    const outcome = validateCustomerEvent(
      { ...valid, customerId: '', data: { ...valid.data, currency: 'EURO', items: [{ sku: 'A', quantity: 0, unitPriceMinor: 1 }] } },
      { now },
    );
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    const fields = outcome.errors.map((e) => e.field).sort();
    expect(fields).toEqual(['customerId', 'data.currency', 'data.items.0.quantity']);
  });

  it('rejects unknown fields at the top and inside data', () => {
    const outcome = validateCustomerEvent({ ...valid, extra: 1, data: { ...valid.data, discount: 5 } }, { now });
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.errors.map((e) => e.field).sort()).toEqual(['data.discount', 'extra']);
  });

  it('rejects an unknown type and names the known ones', () => {
    const outcome = validateCustomerEvent({ ...valid, type: 'crm.nope' }, { now });
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.errors[0].field).toBe('type');
    expect(outcome.errors[0].messages[0]).toContain('crm.customer.registered');
  });

  it('rejects events stamped too far in the future', () => {
    const outcome = validateCustomerEvent({ ...valid, time: '2026-01-10T13:00:00.000Z' }, { now });
    expect(outcome.ok).toBe(false);
  });

  it('rejects non-objects', () => {
    expect(validateCustomerEvent([1], { now }).ok).toBe(false);
    expect(validateCustomerEvent('x', { now }).ok).toBe(false);
  });
});

describe('validateCustomerEvent: customerId or identity', () => {
  const order = { type: 'crm.order.completed', data: { orderId: 'o-1', totalMinor: 1, currency: 'EUR' } };

  it('accepts an identity instead of a customerId', () => {
    const outcome = validateCustomerEvent({ ...order, identity: { kind: 'email', value: 'Ann@Example.com' } }, { now });
    expect(outcome).toMatchObject({ ok: true, value: { identity: { kind: 'email', value: 'Ann@Example.com' } } });
  });

  it('requires exactly one of them, with a clear field error', () => {
    const both = validateCustomerEvent({ ...order, customerId: 'c-1', identity: { kind: 'email', value: 'a@x.io' } }, { now });
    expect(both).toEqual({ ok: false, errors: [{ field: 'identity', messages: ['give either customerId or identity, not both'] }] });
    const neither = validateCustomerEvent(order, { now });
    expect(neither).toEqual({ ok: false, errors: [{ field: 'customerId', messages: ['customerId or identity is required'] }] });
  });

  it('validates the identity as a closed nested object', () => {
    const outcome = validateCustomerEvent({ ...order, identity: { kind: 'passport', value: '', extra: 1 } }, { now });
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect([...new Set(outcome.errors.map((e) => e.field))].sort()).toEqual(['identity.extra', 'identity.kind', 'identity.value']);
    expect(validateCustomerEvent({ ...order, identity: 'a@x.io' }, { now }).ok).toBe(false);
  });
});
