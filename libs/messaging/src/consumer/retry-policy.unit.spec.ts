import { backoffDelay, isTransientError } from './retry-policy';

describe('retry policy', () => {
  it('backs off exponentially with jitter, capped', () => {
    expect(backoffDelay(0, 100, 5_000, () => 1)).toBe(100);
    expect(backoffDelay(3, 100, 5_000, () => 1)).toBe(800);
    expect(backoffDelay(10, 100, 5_000, () => 1)).toBe(5_000);
    expect(backoffDelay(3, 100, 5_000, () => 0.5)).toBe(400);
  });

  it('treats outages as transient and event-specific failures as not', () => {
    const network = Object.assign(new Error('connection refused'), { name: 'MongoNetworkError' });
    expect(isTransientError(network)).toBe(true);
    expect(isTransientError(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isTransientError(new TypeError("Cannot read properties of undefined (reading 'currency')"))).toBe(false);
    expect(isTransientError('not an error')).toBe(false);
  });
});
