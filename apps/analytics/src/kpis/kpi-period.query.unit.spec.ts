import { addDays, isCalendarDay, periodLength, resolvePeriod } from './kpi-period.query';

describe('KPI period', () => {
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
  });

  it('counts days with both ends included', () => {
    expect(periodLength('2026-05-01', '2026-05-01')).toBe(1);
    expect(periodLength('2024-01-01', '2024-12-31')).toBe(366);
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
  });
});
