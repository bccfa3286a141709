import { fitBgNbd, probabilityOfPurchases, type BgNbdFit, type BgNbdParameters } from './bg-nbd';
import { spendHistoryOf, type CustomerRfm } from './customer-rfm';
import { fitGammaGamma, isSpendHistory, type GammaGammaFit } from './gamma-gamma';

export interface PurchaseModels {
  readonly bgNbd: BgNbdFit;
  /** Null when no customer has repeat purchases of positive value, or the fit has q ≤ 1 (no finite mean spend). */
  readonly gammaGamma: GammaGammaFit | null;
}

/** Fits both models to the customers' summaries; null without a single customer who has purchased. */
export function fitPurchaseModels(customers: readonly CustomerRfm[]): PurchaseModels | null {
  if (customers.length === 0) return null;
  const bgNbd = fitBgNbd(customers);
  const spenders = customers.map(spendHistoryOf).filter(isSpendHistory);
  const gammaGamma = spenders.length === 0 ? null : fitGammaGamma(spenders);
  return { bgNbd, gammaGamma: gammaGamma && gammaGamma.parameters.q > 1 ? gammaGamma : null };
}

export interface RepeatPurchaseCount {
  /** `0`, `1`, …, and the last bucket `N+` for N or more. */
  readonly repeatPurchases: string;
  readonly actual: number;
  /** Customers the model expects with that many repeat purchases at their ages: Σᵢ P(X(Tᵢ) = n). */
  readonly expected: number;
}

/**
 * How well the fitted BG/NBD reproduces the data it was fitted on: customers by number of repeat
 * purchases, observed against expected from equation (8) at each customer's own age (the
 * "calibration period" histogram of Fader, Hardie & Lee, figure 2), with the last bucket open.
 */
export function repeatPurchaseCounts(parameters: BgNbdParameters, customers: readonly CustomerRfm[], openFrom = 7): RepeatPurchaseCount[] {
  const actual = new Array<number>(openFrom + 1).fill(0);
  const expected = new Array<number>(openFrom + 1).fill(0);
  for (const c of customers) {
    actual[Math.min(c.frequency, openFrom)] += 1;
    let below = 0;
    for (let n = 0; n < openFrom; n++) {
      const pn = probabilityOfPurchases(parameters, c.age, n);
      expected[n] += pn;
      below += pn;
    }
    expected[openFrom] += Math.max(0, 1 - below);
  }
  return actual.map((count, n) => ({ repeatPurchases: n === openFrom ? `${n}+` : String(n), actual: count, expected: expected[n] }));
}
