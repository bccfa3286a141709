import { addDays, bucketsOf, daysBetween, monthsBetween, monthsOf, periodLength, previousPeriod } from './period';

describe('periods', () => {
  it('counts days with both ends included, across leap days', () => {
    expect(periodLength({ from: '2026-05-01', to: '2026-05-01' })).toBe(1);
    expect(periodLength({ from: '2024-01-01', to: '2024-12-31' })).toBe(366);
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(daysBetween('2026-03-05', '2026-05-03')).toBe(59);
  });

  it('gives the previous period of the same length', () => {
    expect(previousPeriod({ from: '2026-04-01', to: '2026-04-30' })).toEqual({ from: '2026-03-02', to: '2026-03-31' });
  });

  it('lists months and counts months between', () => {
    expect(monthsOf({ from: '2025-11-15', to: '2026-02-01' })).toEqual(['2025-11', '2025-12', '2026-01', '2026-02']);
    expect(monthsBetween('2025-11', '2026-02')).toBe(3);
  });

  it('cuts a period into day, ISO-week and month buckets clipped to it', () => {
    const p = { from: '2026-01-29', to: '2026-03-02' };
    expect(bucketsOf(p, 'day')).toHaveLength(33);
    expect(bucketsOf(p, 'week')).toEqual([
      { from: '2026-01-29', to: '2026-02-01' },
      { from: '2026-02-02', to: '2026-02-08' },
      { from: '2026-02-09', to: '2026-02-15' },
      { from: '2026-02-16', to: '2026-02-22' },
      { from: '2026-02-23', to: '2026-03-01' },
      { from: '2026-03-02', to: '2026-03-02' },
    ]);
    expect(bucketsOf(p, 'month')).toEqual([
      { from: '2026-01-29', to: '2026-01-31' },
      { from: '2026-02-01', to: '2026-02-28' },
      { from: '2026-03-01', to: '2026-03-02' },
    ]);
  });
});
