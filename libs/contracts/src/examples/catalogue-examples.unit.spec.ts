import { CUSTOMER_EVENT_TYPES } from '../events/event-catalogue';
import { validateCustomerEvent } from '../validation/validate-customer-event';
import { CATALOGUE_EXAMPLES } from './catalogue-examples';

const now = new Date('2026-01-10T12:00:00.000Z');

describe('CATALOGUE_EXAMPLES', () => {
  it('covers exactly the catalogue', () => {
    expect(Object.keys(CATALOGUE_EXAMPLES).sort()).toEqual([...CUSTOMER_EVENT_TYPES].sort());
  });

  it.each(CUSTOMER_EVENT_TYPES.map((t) => [t]))('%s: valid is accepted, invalid is refused on exactly its fields', (type) => {
    const { valid, invalid, invalidFields } = CATALOGUE_EXAMPLES[type];
    expect(valid.type).toBe(type);
    expect(invalid.type).toBe(type);
    expect(validateCustomerEvent(valid, { now })).toMatchObject({ ok: true });
    const outcome = validateCustomerEvent(invalid, { now });
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect([...new Set(outcome.errors.map((e) => e.field))].sort()).toEqual([...invalidFields].sort());
  });
});
