import { boxed, minimise } from './nelder-mead';
import { lnBeta, lnGamma, logAddExp, signedLogHyp2f1 } from './special-functions';

/**
 * The BG/NBD model of Fader, Hardie & Lee, "Counting Your Customers the Easy Way: An Alternative
 * to the Pareto/NBD Model" (Marketing Science 24(2), 2005): while alive, a customer buys as a
 * Poisson process with rate λ ~ Gamma(r, α); after each purchase they drop out with probability
 * p ~ Beta(a, b). Equation numbers below are the paper's.
 */
export interface BgNbdParameters {
  readonly r: number;
  readonly alpha: number;
  readonly a: number;
  readonly b: number;
}

/**
 * One customer's purchase history in the model's terms, all times in the same unit (the platform
 * uses weeks): `frequency` x = repeat purchases (purchase days after the first), `recency` t_x =
 * time from the first purchase to the last, `age` T = time from the first purchase to the end of
 * the observation. 0 ≤ t_x ≤ T; x = 0 implies t_x = 0.
 */
export interface RepeatPurchaseHistory {
  readonly frequency: number;
  readonly recency: number;
  readonly age: number;
}

export function assertValidHistory(h: RepeatPurchaseHistory): void {
  if (!Number.isInteger(h.frequency) || h.frequency < 0) throw new RangeError(`frequency must be a non-negative integer (got ${h.frequency})`);
  if (!(h.recency >= 0 && h.age >= h.recency)) throw new RangeError(`need 0 <= recency <= age (got recency ${h.recency}, age ${h.age})`);
}

/** Terms of the log-likelihood that depend only on x: computed once per distinct frequency. */
function frequencyTerms(p: BgNbdParameters, x: number): { a1: number; a2: number } {
  const { r, alpha, a, b } = p;
  return {
    a1: lnGamma(r + x) - lnGamma(r) + r * Math.log(alpha),
    a2: lnGamma(a + b) + lnGamma(b + x) - lnGamma(b) - lnGamma(a + b + x),
  };
}

/**
 * ln L(r, α, a, b | x, t_x, T), equation (6) in the form of the paper's section 7:
 *   A₁ = ln Γ(r+x) − ln Γ(r) + r ln α
 *   A₂ = ln Γ(a+b) + ln Γ(b+x) − ln Γ(b) − ln Γ(a+b+x)
 *   A₃ = −(r+x) ln(α+T)
 *   A₄ = ln a − ln(b+x−1) − (r+x) ln(α+t_x)   (only when x > 0)
 *   ln L = A₁ + A₂ + ln(e^A₃ + [x>0] e^A₄)
 */
export function bgNbdLogLikelihood(p: BgNbdParameters, h: RepeatPurchaseHistory): number {
  const { a1, a2 } = frequencyTerms(p, h.frequency);
  return a1 + a2 + timeTerm(p, h);
}

function timeTerm(p: BgNbdParameters, h: RepeatPurchaseHistory): number {
  const { r, alpha, a, b } = p;
  const x = h.frequency;
  const a3 = -(r + x) * Math.log(alpha + h.age);
  if (x === 0) return a3;
  const a4 = Math.log(a) - Math.log(b + x - 1) - (r + x) * Math.log(alpha + h.recency);
  return logAddExp(a3, a4);
}

/** Σ ln L over customers, the distinct-x terms computed once. */
export function bgNbdTotalLogLikelihood(p: BgNbdParameters, histories: readonly RepeatPurchaseHistory[]): number {
  const byFrequency = new Map<number, number>();
  let total = 0;
  for (const h of histories) {
    let fx = byFrequency.get(h.frequency);
    if (fx === undefined) {
      const t = frequencyTerms(p, h.frequency);
      fx = t.a1 + t.a2;
      byFrequency.set(h.frequency, fx);
    }
    total += fx + timeTerm(p, h);
  }
  return total;
}

/** Fitted parameters stay within e^±30: beyond, the data say "0" or "∞" and the fit reports it as not converged. */
export const LOG_PARAMETER_LIMIT = 30;

export interface BgNbdFit {
  readonly parameters: BgNbdParameters;
  readonly logLikelihood: number;
  readonly customers: number;
  readonly iterations: number;
  readonly converged: boolean;
}

/**
 * Maximum-likelihood fit, as the `lifetimes` package does it: the optimiser works on the logs of
 * the parameters (so they stay positive), on times rescaled so the oldest customer has age 1
 * (α is scaled back afterwards; the likelihood's maximiser is equivariant under that rescaling),
 * minimising the mean negative log-likelihood with Nelder–Mead from e^0.1 for each parameter
 * (a first simplex of ±0.5 in log space; restarted until it stops improving).
 */
export function fitBgNbd(histories: readonly RepeatPurchaseHistory[]): BgNbdFit {
  if (histories.length === 0) throw new RangeError('cannot fit the BG/NBD model to no customers');
  histories.forEach(assertValidHistory);
  const maxAge = Math.max(...histories.map((h) => h.age));
  const scale = maxAge > 0 ? 1 / maxAge : 1;
  const scaled = histories.map((h) => ({ frequency: h.frequency, recency: h.recency * scale, age: h.age * scale }));
  const toParameters = (logs: readonly number[]): BgNbdParameters => ({ r: Math.exp(logs[0]), alpha: Math.exp(logs[1]), a: Math.exp(logs[2]), b: Math.exp(logs[3]) });
  const objective = boxed((logs) => -bgNbdTotalLogLikelihood(toParameters(logs), scaled) / scaled.length, LOG_PARAMETER_LIMIT);
  const result = minimise(objective, [0.1, 0.1, 0.1, 0.1], { xTolerance: 1e-9, fTolerance: 1e-12, maxIterations: 4000, initialStep: 0.5 });
  const fitted = toParameters(result.x);
  const parameters = { ...fitted, alpha: fitted.alpha / scale };
  return {
    parameters,
    logLikelihood: bgNbdTotalLogLikelihood(parameters, histories),
    customers: histories.length,
    iterations: result.iterations,
    converged: result.converged,
  };
}

/**
 * P(alive | x, t_x, T) (Fader, Hardie & Lee, "Computing P(alive) using the BG/NBD model", 2008):
 * 1 for a customer without repeat purchases (the model lets a customer drop out only after a
 * purchase), otherwise 1 / (1 + a/(b+x−1) · ((α+T)/(α+t_x))^(r+x)).
 */
export function probabilityAlive(p: BgNbdParameters, h: RepeatPurchaseHistory): number {
  if (h.frequency === 0) return 1;
  const { r, alpha, a, b } = p;
  const x = h.frequency;
  const logOdds = Math.log(a / (b + x - 1)) + (r + x) * Math.log((alpha + h.age) / (alpha + h.recency));
  return 1 / (1 + Math.exp(logOdds));
}

/**
 * E[X(T, T+t] | x, t_x, T], equation (10): expected purchases in the next t time units of a
 * customer with this history,
 *   (a+b+x−1)/(a−1) · [1 − ((α+T)/(α+T+t))^(r+x) ₂F₁(r+x, b+x; a+b+x−1; t/(α+T+t))]
 *   / (1 + [x>0] a/(b+x−1) · ((α+T)/(α+t_x))^(r+x)).
 * For a ≤ 1 both factors of the numerator change sign together; a = 1 exactly is its limit, not handled.
 */
export function conditionalExpectedPurchases(p: BgNbdParameters, h: RepeatPurchaseHistory, t: number): number {
  if (t <= 0) return 0;
  const { r, alpha, a, b } = p;
  const x = h.frequency;
  const z = t / (alpha + h.age + t);
  const inner = oneMinus(signedLogHyp2f1(r + x, b + x, a + b + x - 1, z), (r + x) * Math.log((alpha + h.age) / (alpha + h.age + t)));
  const numerator = ((a + b + x - 1) / (a - 1)) * inner;
  const denominator = x > 0 ? 1 + (a / (b + x - 1)) * Math.exp((r + x) * Math.log((alpha + h.age) / (alpha + h.recency))) : 1;
  return numerator / denominator;
}

/** E[X(t)], equation (9): expected repeat purchases of a new customer in their first t time units. */
export function expectedPurchases(p: BgNbdParameters, t: number): number {
  if (t <= 0) return 0;
  const { r, alpha, a, b } = p;
  return ((a + b - 1) / (a - 1)) * oneMinus(signedLogHyp2f1(r, b, a + b - 1, t / (alpha + t)), r * Math.log(alpha / (alpha + t)));
}

/** 1 − hyp · e^logFactor, accurately when the product is close to 1 (expm1), whatever hyp's sign. */
function oneMinus(hyp: { sign: -1 | 0 | 1; log: number }, logFactor: number): number {
  if (hyp.sign === 0) return 1;
  const log = hyp.log + logFactor;
  return hyp.sign === 1 ? -Math.expm1(log) : 1 + Math.exp(log);
}

/**
 * P(X(t) = n), equation (8): the probability of exactly n repeat purchases in a customer's first
 * t time units,
 *   B(a, b+n)/B(a, b) · Γ(r+n)/(Γ(r) n!) · (α/(α+t))^r (t/(α+t))^n
 *   + [n>0] B(a+1, b+n−1)/B(a, b) · [1 − (α/(α+t))^r Σ_{j<n} Γ(r+j)/(Γ(r) j!) (t/(α+t))^j].
 */
export function probabilityOfPurchases(p: BgNbdParameters, t: number, n: number): number {
  const { r, alpha, a, b } = p;
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`n must be a non-negative integer (got ${n})`);
  if (t <= 0) return n === 0 ? 1 : 0;
  const lnBab = lnBeta(a, b);
  const lnShare = Math.log(alpha / (alpha + t));
  const lnRest = Math.log(t / (alpha + t));
  const lnNbd = (j: number): number => lnGamma(r + j) - lnGamma(r) - lnGamma(j + 1) + r * lnShare + j * lnRest;
  const first = Math.exp(lnBeta(a, b + n) - lnBab + lnNbd(n));
  if (n === 0) return first;
  let cumulative = 0;
  for (let j = 0; j < n; j++) cumulative += Math.exp(lnNbd(j));
  return first + Math.exp(lnBeta(a + 1, b + n - 1) - lnBab) * (1 - cumulative);
}
