import type { EventEnvelope } from '../envelope/event-envelope';
import { findEventType } from '../events/event-catalogue';
import { validateCustomerEvent } from '../validation/validate-customer-event';
import fixtures from './fixtures/profile-updated.v1.json';
import { upcast } from './upcast';

const cases = fixtures.cases as { name: string; stored: EventEnvelope; upcast: EventEnvelope }[];

describe('upcast', () => {
  it.each(cases.map((c) => [c.name, c] as const))('brings a stored v1 crm.profile.updated to v2: %s', (_name, c) => {
    const frozen = JSON.parse(JSON.stringify(c.stored));
    expect(upcast(c.stored)).toEqual(c.upcast);
    expect(c.stored).toEqual(frozen); // pure: the stored envelope is untouched
  });

  it('produces data the current class accepts', () => {
    for (const c of cases) {
      const up = upcast(c.stored);
      expect(up.schemaVersion).toBe(findEventType(up.type)!.schemaVersion);
      const outcome = validateCustomerEvent({ type: up.type, customerId: up.subject, data: up.data });
      expect(outcome).toMatchObject({ ok: true });
    }
  });

  it('returns current, unknown-type and newer envelopes as they are', () => {
    const current: EventEnvelope = { ...cases[0].upcast };
    expect(upcast(current)).toBe(current);
    const unknown: EventEnvelope = { ...cases[0].stored, type: 'crm.nope.happened' };
    expect(upcast(unknown)).toBe(unknown);
    const order: EventEnvelope = { ...cases[0].stored, type: 'crm.order.completed', data: { orderId: 'o', totalMinor: 1, currency: 'EUR' } };
    expect(upcast(order)).toBe(order);
    const newer: EventEnvelope = { ...cases[0].upcast, schemaVersion: 99 };
    expect(upcast(newer)).toBe(newer);
  });

  it('is idempotent', () => {
    for (const c of cases) expect(upcast(upcast(c.stored))).toEqual(upcast(c.stored));
  });
});
