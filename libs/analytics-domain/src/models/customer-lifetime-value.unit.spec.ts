import { conditionalExpectedPurchases, type BgNbdParameters } from './bg-nbd';
import { customerLifetimeValue, WEEKS_PER_MONTH } from './customer-lifetime-value';

const cdnow: BgNbdParameters = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };
const history = { frequency: 2, recency: 30.43, age: 38.86 };

describe('predicted CLV', () => {
  it('is nothing over no horizon', () => {
    expect(customerLifetimeValue(cdnow, history, 25, { horizonMonths: 0, monthlyDiscountRate: 0.01 })).toBe(0);
  });

  it('without discounting, is spend × purchases expected over the whole horizon', () => {
    const expected = 25 * conditionalExpectedPurchases(cdnow, history, 12 * WEEKS_PER_MONTH);
    expect(customerLifetimeValue(cdnow, history, 25, { horizonMonths: 12, monthlyDiscountRate: 0 })).toBeCloseTo(expected, 10);
  });

  it('discounts each month’s expected purchases by (1 + d)^month', () => {
    const e1 = conditionalExpectedPurchases(cdnow, history, WEEKS_PER_MONTH);
    const e2 = conditionalExpectedPurchases(cdnow, history, 2 * WEEKS_PER_MONTH);
    const expected = (25 * e1) / 1.01 + (25 * (e2 - e1)) / 1.01 ** 2;
    expect(customerLifetimeValue(cdnow, history, 25, { horizonMonths: 2, monthlyDiscountRate: 0.01 })).toBeCloseTo(expected, 12);
    expect(customerLifetimeValue(cdnow, history, 25, { horizonMonths: 2, monthlyDiscountRate: 0.05 })).toBeLessThan(expected);
  });

  it('gives the same value when every time (α, recency, age, the month) is in days instead of weeks', () => {
    const inWeeks = customerLifetimeValue(cdnow, history, 25, { horizonMonths: 6, monthlyDiscountRate: 0.01 });
    const inDays = customerLifetimeValue({ ...cdnow, alpha: cdnow.alpha * 7 }, { frequency: 2, recency: 30.43 * 7, age: 38.86 * 7 }, 25, {
      horizonMonths: 6,
      monthlyDiscountRate: 0.01,
      timeUnitsPerMonth: WEEKS_PER_MONTH * 7,
    });
    expect(inDays).toBeCloseTo(inWeeks, 10);
  });

  it('refuses a negative or fractional horizon and a discount rate of −100 % or less', () => {
    expect(() => customerLifetimeValue(cdnow, history, 1, { horizonMonths: -1, monthlyDiscountRate: 0 })).toThrow(RangeError);
    expect(() => customerLifetimeValue(cdnow, history, 1, { horizonMonths: 1.5, monthlyDiscountRate: 0 })).toThrow(RangeError);
    expect(() => customerLifetimeValue(cdnow, history, 1, { horizonMonths: 1, monthlyDiscountRate: -1 })).toThrow(RangeError);
  });
});
