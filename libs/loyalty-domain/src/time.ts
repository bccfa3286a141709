/** Time arithmetic on ISO 8601 instants, in UTC; results are always `toISOString()` form. */

export const toInstant = (iso: string): string => new Date(iso).toISOString();

export const millis = (iso: string): number => Date.parse(iso);

/** Calendar months later; the day is clamped to the target month's last day (31 Jan + 1 month = 28/29 Feb). */
export function addMonths(iso: string, months: number): string {
  const d = new Date(iso);
  const day = d.getUTCDate();
  const target = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + months, 1, d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds(), d.getUTCMilliseconds()));
  const lastDay = new Date(Date.UTC(target.getUTCFullYear(), target.getUTCMonth() + 1, 0)).getUTCDate();
  target.setUTCDate(Math.min(day, lastDay));
  return target.toISOString();
}

export const addDays = (iso: string, days: number): string => new Date(millis(iso) + days * 86_400_000).toISOString();

export const isAtOrBefore = (a: string, b: string): boolean => millis(a) <= millis(b);

export const laterOf = (a: string, b: string): string => (millis(a) >= millis(b) ? a : b);
