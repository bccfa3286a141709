import { eventIdForIdempotencyKey, idempotencyKeyProblem } from './idempotency-key';

describe('Idempotency-Key', () => {
  it('maps the same key to the same UUID and different keys to different ones', () => {
    const a = eventIdForIdempotencyKey('order-123-created');
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(eventIdForIdempotencyKey('order-123-created')).toBe(a);
    expect(eventIdForIdempotencyKey('order-124-created')).not.toBe(a);
  });

  it('accepts printable keys up to 255 characters', () => {
    expect(idempotencyKeyProblem('k'.repeat(255))).toBeNull();
    expect(idempotencyKeyProblem('')).toMatch(/1 to 255/);
    expect(idempotencyKeyProblem('k'.repeat(256))).toMatch(/1 to 255/);
    expect(idempotencyKeyProblem('has space')).toMatch(/printable/);
  });
});
