/**
 * Periods are whole UTC days written `YYYY-MM-DD`, both ends included. Day keys sort as strings in
 * calendar order, which is what lets stored buckets be selected by a plain string range.
 */
export interface Period {
  readonly from: string;
  readonly to: string;
}

export const GRANULARITIES = ['day', 'week', 'month'] as const;
export type Granularity = (typeof GRANULARITIES)[number];

const DAY_MS = 86_400_000;

export const dayOf = (time: string): string => new Date(time).toISOString().slice(0, 10);
export const monthOf = (day: string): string => day.slice(0, 7);

const epochDay = (day: string): number => Date.parse(`${day}T00:00:00.000Z`) / DAY_MS;
const fromEpochDay = (n: number): string => new Date(n * DAY_MS).toISOString().slice(0, 10);

export const addDays = (day: string, days: number): string => fromEpochDay(epochDay(day) + days);

/** Whole days from `a` to `b` (negative when b is earlier). */
export const daysBetween = (a: string, b: string): number => epochDay(b) - epochDay(a);

/** Days in the period, both ends included. */
export const periodLength = (p: Period): number => daysBetween(p.from, p.to) + 1;

export const inPeriod = (day: string, p: Period): boolean => day >= p.from && day <= p.to;

/** The period of the same length that ends the day before this one starts. */
export function previousPeriod(p: Period): Period {
  const length = periodLength(p);
  return { from: addDays(p.from, -length), to: addDays(p.from, -1) };
}

/** The months `YYYY-MM` from the month of `from` to the month of `to`, ascending. */
export function monthsOf(p: Period): string[] {
  const months: string[] = [];
  let [year, month] = p.from.split('-').map(Number);
  const last = monthOf(p.to);
  for (;;) {
    const key = `${year}-${String(month).padStart(2, '0')}`;
    if (key > last) return months;
    months.push(key);
    month += 1;
    if (month === 13) {
      month = 1;
      year += 1;
    }
  }
}

/** Months from month `a` to month `b` (`YYYY-MM`). */
export const monthsBetween = (a: string, b: string): number => {
  const [ya, ma] = a.split('-').map(Number);
  const [yb, mb] = b.split('-').map(Number);
  return (yb - ya) * 12 + (mb - ma);
};

const lastDayOfMonth = (month: string): string => {
  const [y, m] = month.split('-').map(Number);
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
};

/** Monday of the ISO week of the day. */
const weekStart = (day: string): string => {
  const weekday = new Date(`${day}T00:00:00.000Z`).getUTCDay(); // 0 = Sunday
  return addDays(day, -((weekday + 6) % 7));
};

/**
 * The period cut into consecutive buckets of the granularity (days; ISO weeks from Monday;
 * calendar months), the first and last clipped to the period, so buckets cover it exactly.
 */
export function bucketsOf(p: Period, granularity: Granularity): Period[] {
  const buckets: Period[] = [];
  let from = p.from;
  while (from <= p.to) {
    let end: string;
    switch (granularity) {
      case 'day':
        end = from;
        break;
      case 'week':
        end = addDays(weekStart(from), 6);
        break;
      case 'month':
        end = lastDayOfMonth(monthOf(from));
        break;
      default: {
        const never: never = granularity;
        throw new Error(`unknown granularity ${String(never)}`);
      }
    }
    const to = end < p.to ? end : p.to;
    buckets.push({ from, to });
    from = addDays(to, 1);
  }
  return buckets;
}
