import { conditionalExpectedPurchases, probabilityAlive } from './bg-nbd';
import { customerLifetimeValue } from './customer-lifetime-value';
import { spendHistoryOf, type CustomerRfm } from './customer-rfm';
import { conditionalExpectedSpend } from './gamma-gamma';
import { SeriesDidNotConvergeError } from './special-functions';
import type { PurchaseModels } from './purchase-models';

export interface PredictionSettings {
  /** Horizon of `expectedPurchases`, in weeks. */
  readonly purchaseHorizonWeeks: number;
  readonly clvHorizonMonths: number;
  readonly clvMonthlyDiscountRate: number;
}

export interface CustomerPrediction {
  readonly customerId: string;
  readonly frequency: number;
  readonly recencyWeeks: number;
  readonly ageWeeks: number;
  readonly averageValueMinor: number;
  readonly probabilityAlive: number;
  /** Purchases (purchase days) expected in the next `purchaseHorizonWeeks`; null where the series cannot be evaluated at these parameters. */
  readonly expectedPurchases: number | null;
  /** Expected value of one future purchase (Gamma-Gamma), in minor units of the model currency. */
  readonly expectedSpendMinor: number;
  /** Discounted value of the purchases expected over the CLV horizon, in minor units; null likewise. */
  readonly predictedClvMinor: number | null;
}

/** A number, or null when the hypergeometric series behind it cannot be summed (a degenerate fit). */
function evaluable(compute: () => number): number | null {
  try {
    const value = compute();
    return Number.isFinite(value) ? value : null;
  } catch (error) {
    if (error instanceof SeriesDidNotConvergeError) return null;
    throw error;
  }
}

/**
 * What the fitted models say about one customer. Without a usable Gamma-Gamma fit, the expected
 * spend is the customer's own average (0 without repeat purchases in the currency).
 */
export function predictCustomer(models: PurchaseModels, rfm: CustomerRfm, settings: PredictionSettings): CustomerPrediction {
  const p = models.bgNbd.parameters;
  const expectedSpend = models.gammaGamma ? conditionalExpectedSpend(models.gammaGamma.parameters, spendHistoryOf(rfm)) : rfm.averageValue;
  return {
    customerId: rfm.customerId,
    frequency: rfm.frequency,
    recencyWeeks: rfm.recency,
    ageWeeks: rfm.age,
    averageValueMinor: rfm.averageValue,
    probabilityAlive: probabilityAlive(p, rfm),
    expectedPurchases: evaluable(() => conditionalExpectedPurchases(p, rfm, settings.purchaseHorizonWeeks)),
    expectedSpendMinor: expectedSpend,
    predictedClvMinor: evaluable(() =>
      customerLifetimeValue(p, rfm, expectedSpend, { horizonMonths: settings.clvHorizonMonths, monthlyDiscountRate: settings.clvMonthlyDiscountRate }),
    ),
  };
}
