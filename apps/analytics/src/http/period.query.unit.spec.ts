import { isCalendarDay, resolvePeriod } from './period.query';

describe('query periods', () => {
  it('accepts only real calendar days written YYYY-MM-DD', () => {
    expect(isCalendarDay('2024-02-29')).toBe(true);
    expect(isCalendarDay('2026-02-29')).toBe(false);
    expect(isCalendarDay('2026-13-01')).toBe(false);
    expect(isCalendarDay('2026-5-1')).toBe(false);
    expect(isCalendarDay('2026-05-01T00:00:00Z')).toBe(false);
  });

  it('defaults to the 30 days ending at `to`, or today', () => {
    expect(resolvePeriod({}, '2026-03-01')).toEqual({ from: '2026-01-31', to: '2026-03-01' });
    expect(resolvePeriod({ to: '2026-01-10' }, '2026-03-01')).toEqual({ from: '2025-12-12', to: '2026-01-10' });
    expect(resolvePeriod({ from: '2026-02-01' }, '2026-03-01')).toEqual({ from: '2026-02-01', to: '2026-03-01' });
    expect(resolvePeriod({}, '2026-03-01', 365)).toEqual({ from: '2025-03-02', to: '2026-03-01' });
  });
});
