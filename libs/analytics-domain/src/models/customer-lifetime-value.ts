import { conditionalExpectedPurchases, type BgNbdParameters, type RepeatPurchaseHistory } from './bg-nbd';

/** Weeks in an average month (365.25 / 12 / 7 ≈ 4.348; `lifetimes` uses 4.345). */
export const WEEKS_PER_MONTH = 4.345;

export interface ClvOptions {
  /** Months ahead. */
  readonly horizonMonths: number;
  /** Discount rate per month, e.g. 0.01 for 1 % a month. */
  readonly monthlyDiscountRate: number;
  /** Length of a month in the unit of the history's times (weeks: 4.345). */
  readonly timeUnitsPerMonth?: number;
}

/**
 * Predicted customer lifetime value over a horizon, the way `lifetimes`' `customer_lifetime_value`
 * computes it: for each month i = 1…H, the purchases expected in that month (the conditional
 * expectation to the month's end minus that to its start) times the expected spend per
 * purchase, discounted by (1 + d)^i:
 *   CLV = Σᵢ spend · (E[X(T, T+i·m)] − E[X(T, T+(i−1)·m)]) / (1 + d)^i
 * where m is a month in the history's time unit. Same unit of money as `expectedSpend`.
 */
export function customerLifetimeValue(
  bgNbd: BgNbdParameters,
  history: RepeatPurchaseHistory,
  expectedSpend: number,
  options: ClvOptions,
): number {
  const { horizonMonths, monthlyDiscountRate } = options;
  if (!Number.isInteger(horizonMonths) || horizonMonths < 0) throw new RangeError(`horizonMonths must be a non-negative integer (got ${horizonMonths})`);
  if (!(monthlyDiscountRate > -1)) throw new RangeError(`monthlyDiscountRate must be above -1 (got ${monthlyDiscountRate})`);
  const month = options.timeUnitsPerMonth ?? WEEKS_PER_MONTH;
  let value = 0;
  let before = 0;
  for (let i = 1; i <= horizonMonths; i++) {
    const upTo = conditionalExpectedPurchases(bgNbd, history, i * month);
    value += (expectedSpend * (upTo - before)) / (1 + monthlyDiscountRate) ** i;
    before = upTo;
  }
  return value;
}
