import { LOG_PARAMETER_LIMIT } from './bg-nbd';
import { boxed, minimise } from './nelder-mead';
import { lnGamma } from './special-functions';

/**
 * The Gamma-Gamma model of spend per transaction (Fader & Hardie, "The Gamma-Gamma Model of
 * Monetary Value", 2013; Fader, Hardie & Lee, "RFM and CLV", JMR 2005): a customer's transaction
 * values are Gamma(p, ν) around their own mean, with ν ~ Gamma(q, γ) across customers (γ is `v`
 * here, as in `lifetimes`). Independent of the purchase process, so it pairs with the BG/NBD.
 */
export interface GammaGammaParameters {
  readonly p: number;
  readonly q: number;
  readonly v: number;
}

/** A customer with x ≥ 1 repeat transactions whose average value is m > 0. */
export interface SpendHistory {
  readonly frequency: number;
  readonly averageValue: number;
}

/**
 * ln of the likelihood of one customer's average m̄ given x, up to terms free of the parameters
 * (equation (1a) of the 2013 note):
 *   ln Γ(px+q) − ln Γ(px) − ln Γ(q) + q ln γ + (px−1) ln m̄ + px ln x − (px+q) ln(γ + x m̄).
 */
export function gammaGammaLogLikelihood(params: GammaGammaParameters, h: SpendHistory): number {
  const { p, q, v } = params;
  const x = h.frequency;
  const m = h.averageValue;
  return (
    lnGamma(p * x + q) - lnGamma(p * x) - lnGamma(q) + q * Math.log(v) + (p * x - 1) * Math.log(m) + p * x * Math.log(x) - (p * x + q) * Math.log(x * m + v)
  );
}

export interface GammaGammaFit {
  readonly parameters: GammaGammaParameters;
  readonly logLikelihood: number;
  readonly customers: number;
  readonly iterations: number;
  readonly converged: boolean;
}

/** Only customers with repeat purchases of positive average value say anything about spend. */
export const isSpendHistory = (h: SpendHistory): boolean => Number.isInteger(h.frequency) && h.frequency > 0 && h.averageValue > 0;

/**
 * Maximum likelihood on log-parameters with Nelder–Mead from e^0.1 each (where `lifetimes` starts
 * its BFGS). The first simplex spans ±0.5 in log space: with SciPy's 5 % rule it would be ±0.005,
 * and from there the simplex drifts along the ridge p → ∞, γ → 0 instead of reaching the maximum.
 */
export function fitGammaGamma(histories: readonly SpendHistory[]): GammaGammaFit {
  const usable = histories.filter(isSpendHistory);
  if (usable.length === 0) throw new RangeError('cannot fit the Gamma-Gamma model without customers who have repeat purchases of positive value');
  const toParameters = (logs: readonly number[]): GammaGammaParameters => ({ p: Math.exp(logs[0]), q: Math.exp(logs[1]), v: Math.exp(logs[2]) });
  const objective = boxed((logs) => {
    const params = toParameters(logs);
    let total = 0;
    for (const h of usable) total += gammaGammaLogLikelihood(params, h);
    return -total / usable.length;
  }, LOG_PARAMETER_LIMIT);
  const result = minimise(objective, [0.1, 0.1, 0.1], { xTolerance: 1e-9, fTolerance: 1e-12, maxIterations: 4000, initialStep: 0.5 });
  return {
    parameters: toParameters(result.x),
    logLikelihood: -result.value * usable.length,
    customers: usable.length,
    iterations: result.iterations,
    converged: result.converged,
  };
}

/**
 * E[M | x, m̄], equation (5) of the 2013 note: a weighted mean of the population's mean spend
 * γp/(q−1) and the customer's own average, the customer's weight px/(px+q−1) growing with x.
 * A customer without repeat purchases gets the population mean. Needs q > 1 (else the population
 * mean is infinite, and this throws).
 */
export function conditionalExpectedSpend(params: GammaGammaParameters, h: SpendHistory): number {
  const { p, q, v } = params;
  if (!(q > 1)) throw new RangeError(`the Gamma-Gamma population mean needs q > 1 (got ${q})`);
  const populationMean = (v * p) / (q - 1);
  if (!isSpendHistory(h)) return populationMean;
  const weight = (p * h.frequency) / (p * h.frequency + q - 1);
  return (1 - weight) * populationMean + weight * h.averageValue;
}
