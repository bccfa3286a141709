import { hyp2f1Series, lnBeta, lnGamma, lnHyp2f1, logAddExp, SeriesDidNotConvergeError } from './special-functions';

describe('lnGamma', () => {
  it.each([
    [1, 0],
    [2, 0],
    [0.5, Math.log(Math.sqrt(Math.PI))],
    [10, Math.log(362880)],
    [1e-3, 6.907178885383853], // ln Γ(0.001), via Γ(x) = Γ(x+1)/x
    [171.5, 709.1431630309282],
  ])('ln Γ(%p) = %p', (x, expected) => {
    expect(lnGamma(x)).toBeCloseTo(expected, 10);
  });

  it('satisfies Γ(x+1) = x Γ(x) across its range', () => {
    for (const x of [0.013, 0.3, 0.7, 1.5, 3.25, 12.5, 80.1]) expect(lnGamma(x + 1) - lnGamma(x)).toBeCloseTo(Math.log(x), 12);
  });

  it('refuses x <= 0', () => {
    expect(() => lnGamma(0)).toThrow(RangeError);
    expect(() => lnGamma(-1.5)).toThrow(RangeError);
  });

  it('gives ln B(a, b)', () => {
    expect(lnBeta(2, 3)).toBeCloseTo(Math.log(1 / 12), 12);
  });
});

describe('hypergeometric 2F1', () => {
  it('matches closed forms', () => {
    for (const z of [0, 0.1, 0.5, 0.9, 0.99]) {
      // ₂F₁(1, 1; 2; z) = −ln(1−z)/z
      expect(hyp2f1Series(1, 1, 2, z)).toBeCloseTo(z === 0 ? 1 : -Math.log1p(-z) / z, 10);
      // ₂F₁(a, b; b; z) = (1−z)^(−a)
      expect(hyp2f1Series(0.7, 3.2, 3.2, z)).toBeCloseTo((1 - z) ** -0.7, 9);
      // ₂F₁(½, ½; 3/2; z²) = arcsin(z)/z
      const s = Math.sqrt(z);
      expect(hyp2f1Series(0.5, 0.5, 1.5, z)).toBeCloseTo(z === 0 ? 1 : Math.asin(s) / s, 10);
    }
  });

  it('ends a terminating series exactly (a polynomial)', () => {
    // ₂F₁(−2, b; c; z) = 1 − 2bz/c + b(b+1)z²/(c(c+1))
    expect(hyp2f1Series(-2, 3, 4, 0.5)).toBeCloseTo(1 - (2 * 3 * 0.5) / 4 + (3 * 4 * 0.25) / (4 * 5), 14);
  });

  it('does not stop early when the first terms are tiny but later ones are not', () => {
    // a ≈ 0 makes the first term 9e-13, less than half of the rest; the sum is the sum is ₂F₁(ε, 1; 1; z) = (1−z)^(−ε) ≈ 1 + ε·(−ln(1−z)).
    const eps = 1e-12;
    expect(hyp2f1Series(eps, 1, 1, 0.9) - 1).toBeCloseTo(eps * -Math.log(0.1), 14);
  });

  it('gives the same logarithm with and without Euler’s transformation, for large parameters too', () => {
    for (const [a, b, c, z] of [
      [2.243, 4.426, 4.219, 0.3],
      [50.24, 52.4, 52.2, 0.45],
      [0.24, 2.43, 2.22, 0.9],
    ]) {
      expect(lnHyp2f1(a, b, c, z)).toBeCloseTo(Math.log(hyp2f1Series(a, b, c, z)), 9);
    }
  });

  it('refuses z outside [0, 1) and c a non-positive integer; reports a series that cannot converge', () => {
    expect(() => hyp2f1Series(1, 1, 2, 1)).toThrow(RangeError);
    expect(() => hyp2f1Series(1, 1, -3, 0.5)).toThrow(RangeError);
    expect(() => hyp2f1Series(1, 1, 2, 0.9999999999)).toThrow(SeriesDidNotConvergeError);
  });
});

it('logAddExp adds in log space without overflow', () => {
  expect(logAddExp(1000, 1000)).toBeCloseTo(1000 + Math.log(2), 12);
  expect(logAddExp(-Infinity, 3)).toBe(3);
  expect(logAddExp(Math.log(2), Math.log(3))).toBeCloseTo(Math.log(5), 14);
});
