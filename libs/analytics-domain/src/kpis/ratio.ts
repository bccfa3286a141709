/** numerator / denominator, or null when there is nothing to divide by (an empty period). */
export const ratio = (numerator: number, denominator: number): number | null => (denominator === 0 ? null : numerator / denominator);

/** Adds `amount` to `record[key]`, in place. */
export function addTo(record: Record<string, number>, key: string, amount: number): void {
  record[key] = (record[key] ?? 0) + amount;
}
