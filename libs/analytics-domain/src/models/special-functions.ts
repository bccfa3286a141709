/**
 * The special functions the purchase models need, in plain TypeScript.
 */

// Lanczos approximation, g = 7, n = 9 (Godfrey's coefficients): relative error below 1e-15 for x > 0.
const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
  -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];
const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/** ln Γ(x) for x > 0. */
export function lnGamma(x: number): number {
  if (!(x > 0)) throw new RangeError(`lnGamma is defined here for x > 0 only (got ${x})`);
  // Γ(x) = Γ(x + 1) / x keeps the series in its accurate range for small x.
  if (x < 0.5) return lnGamma(x + 1) - Math.log(x);
  const z = x - 1;
  let sum = LANCZOS[0];
  for (let i = 1; i < LANCZOS.length; i++) sum += LANCZOS[i] / (z + i);
  const t = z + LANCZOS_G + 0.5;
  return HALF_LOG_TWO_PI + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b). */
export const lnBeta = (a: number, b: number): number => lnGamma(a) + lnGamma(b) - lnGamma(a + b);

export class SeriesDidNotConvergeError extends Error {
  constructor(what: string, terms: number) {
    super(`${what} did not converge within ${terms} terms`);
    this.name = 'SeriesDidNotConvergeError';
  }
}

const MAX_TERMS = 200_000;
const RELATIVE_TOLERANCE = 1e-15;

/**
 * Gauss's hypergeometric series ₂F₁(a, b; c; z) for 0 ≤ z < 1, summed term by term: each term is
 * the previous one times ρⱼ = (a+j)(b+j) / ((c+j)(j+1)) · z. It stops only when the rest of the
 * series is provably negligible. Once j > max(−a, −b, −c), every factor (x+j)/(y+j) is positive
 * and monotone in j, tending to 1, so each is bounded for all later j by max(1, its value now);
 * hence every later ratio is at most ρ′ = z · max(1, (a+j)/(c+j)) · max(1, (b+j)/(j+1)) (or the
 * same with a and b swapped, whichever is smaller), and when ρ′ < 1 the tail is at most
 * |term| · ρ′ / (1 − ρ′). A zero term (a or b a non-positive integer: a polynomial) ends it
 * exactly. Throws when it has not converged after 200,000 terms, rather than return a wrong
 * number. c must not be 0 or a negative integer (the series is undefined there).
 */
export function hyp2f1Series(a: number, b: number, c: number, z: number): number {
  if (!(z >= 0 && z < 1)) throw new RangeError(`hyp2f1 is summed here for 0 <= z < 1 only (got ${z})`);
  if (c <= 0 && Number.isInteger(c)) throw new RangeError(`hyp2f1 is undefined for c = ${c}`);
  if (z === 0) return 1;
  const positiveFrom = Math.max(0, -a, -b, -c);
  let term = 1;
  let sum = 1;
  for (let k = 0; k < MAX_TERMS; k++) {
    term *= (((a + k) * (b + k)) / ((c + k) * (k + 1))) * z;
    sum += term;
    if (!Number.isFinite(sum)) throw new SeriesDidNotConvergeError(`hyp2f1(${a}, ${b}; ${c}; ${z}) overflowed; it`, k + 1);
    if (term === 0) return sum;
    const j = k + 1; // the next ratio's index
    if (j > positiveFrom) {
      const bound = z * Math.min(
        Math.max(1, (a + j) / (c + j)) * Math.max(1, (b + j) / (j + 1)),
        Math.max(1, (b + j) / (c + j)) * Math.max(1, (a + j) / (j + 1)),
      );
      if (bound < 1 && (Math.abs(term) * bound) / (1 - bound) <= RELATIVE_TOLERANCE * Math.abs(sum)) return sum;
    }
  }
  throw new SeriesDidNotConvergeError(`hyp2f1(${a}, ${b}; ${c}; ${z})`, MAX_TERMS);
}

/** A real number as its sign and the logarithm of its magnitude (values far beyond double range stay usable). */
export interface SignedLog {
  readonly sign: -1 | 0 | 1;
  readonly log: number;
}

const signedLogOf = (value: number): SignedLog => ({ sign: value > 0 ? 1 : value < 0 ? -1 : 0, log: Math.log(Math.abs(value)) });

/**
 * ₂F₁(a, b; c; z) for 0 ≤ z < 1 as sign and log-magnitude. Uses Euler's transformation
 * ₂F₁(a, b; c; z) = (1 − z)^(c − a − b) ₂F₁(c − a, c − b; c; z) when it makes the upper parameters
 * smaller: the BG/NBD's ₂F₁(r + x, b + x; a + b + x − 1; z) becomes ₂F₁(a + b − 1 − r, a − 1; …),
 * whose parameters do not grow with the purchase count x, so its series stays short and exact.
 * The power is applied in log space, so a huge or tiny (1 − z)^(c − a − b) neither overflows nor
 * underflows; the value may be negative (c < 0 is allowed, if not an integer).
 */
export function signedLogHyp2f1(a: number, b: number, c: number, z: number): SignedLog {
  if (Math.abs(c - a) + Math.abs(c - b) < Math.abs(a) + Math.abs(b)) {
    const inner = signedLogOf(hyp2f1Series(c - a, c - b, c, z));
    return { sign: inner.sign, log: inner.log + (c - a - b) * Math.log1p(-z) };
  }
  return signedLogOf(hyp2f1Series(a, b, c, z));
}

/** ln ₂F₁(a, b; c; z) for 0 ≤ z < 1 where the value is positive (see `signedLogHyp2f1`). */
export function lnHyp2f1(a: number, b: number, c: number, z: number): number {
  const value = signedLogHyp2f1(a, b, c, z);
  if (value.sign !== 1) throw new RangeError(`hyp2f1(${a}, ${b}; ${c}; ${z}) is not positive and has no logarithm`);
  return value.log;
}

/** ln(e^x + e^y) without overflow. */
export function logAddExp(x: number, y: number): number {
  if (x === -Infinity) return y;
  if (y === -Infinity) return x;
  const max = Math.max(x, y);
  return max + Math.log(Math.exp(x - max) + Math.exp(y - max));
}
