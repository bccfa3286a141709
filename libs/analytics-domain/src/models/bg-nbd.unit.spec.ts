import {
  bgNbdLogLikelihood,
  bgNbdTotalLogLikelihood,
  conditionalExpectedPurchases,
  expectedPurchases,
  fitBgNbd,
  probabilityAlive,
  probabilityOfPurchases,
  type BgNbdParameters,
} from './bg-nbd';

const params: BgNbdParameters = { r: 0.5, alpha: 2, a: 2, b: 3 };
const cdnow: BgNbdParameters = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };

describe('BG/NBD', () => {
  it('log-likelihood of a customer without repeat purchases is r ln α − r ln(α+T)', () => {
    expect(bgNbdLogLikelihood(params, { frequency: 0, recency: 0, age: 2 })).toBeCloseTo(0.5 * Math.log(2) - 0.5 * Math.log(4), 14);
  });

  it('log-likelihood of a repeat buyer adds the chance of having dropped out after the last purchase', () => {
    // x = 1, t_x = 1, T = 2: A1 = lnΓ(1.5) − lnΓ(0.5) + 0.5 ln 2 = ln(0.5) + 0.5 ln 2; A2 = ln(B(a, b+1)/B(a, b)) = ln(b/(a+b)) = ln(3/5)
    // L = e^(A1+A2) · [(α+T)^−(r+x) + a/(b+x−1) · (α+t_x)^−(r+x)] = 0.5·√2·0.6·[4^−1.5 + (2/3)·3^−1.5]
    const expected = Math.log(0.5 * Math.SQRT2 * 0.6 * (4 ** -1.5 + (2 / 3) * 3 ** -1.5));
    expect(bgNbdLogLikelihood(params, { frequency: 1, recency: 1, age: 2 })).toBeCloseTo(expected, 12);
  });

  it('total log-likelihood is the sum over customers', () => {
    const histories = [
      { frequency: 0, recency: 0, age: 5 },
      { frequency: 3, recency: 4, age: 5 },
      { frequency: 3, recency: 1, age: 6 },
    ];
    const sum = histories.reduce((s, h) => s + bgNbdLogLikelihood(params, h), 0);
    expect(bgNbdTotalLogLikelihood(params, histories)).toBeCloseTo(sum, 12);
  });

  it('P(alive) is 1 without repeat purchases and follows the closed form otherwise', () => {
    expect(probabilityAlive(params, { frequency: 0, recency: 0, age: 30 })).toBe(1);
    // 1 / (1 + a/(b+x−1) · ((α+T)/(α+t_x))^(r+x)) = 1 / (1 + 2/3 · (4/3)^1.5)
    expect(probabilityAlive(params, { frequency: 1, recency: 1, age: 2 })).toBeCloseTo(0.4934858684552562, 14);
  });

  it('P(alive) falls the longer a customer has been silent, and is 1/(1 + a/(b+x−1)) right after a purchase', () => {
    const alive = [0, 10, 20, 40].map((silence) => probabilityAlive(cdnow, { frequency: 4, recency: 20, age: 20 + silence }));
    expect(alive[0]).toBeCloseTo(1 / (1 + cdnow.a / (cdnow.b + 3)), 14);
    for (let i = 1; i < alive.length; i++) expect(alive[i]).toBeLessThan(alive[i - 1]);
  });

  it('a brand-new customer’s conditional expectation is the unconditional one, equation (9)', () => {
    for (const t of [1, 10, 52, 200]) {
      expect(conditionalExpectedPurchases(cdnow, { frequency: 0, recency: 0, age: 0 }, t)).toBeCloseTo(expectedPurchases(cdnow, t), 10);
    }
  });

  it('conditional expectations grow with the horizon and shrink with silence; zero horizon expects nothing', () => {
    const h = { frequency: 5, recency: 30, age: 38 };
    expect(conditionalExpectedPurchases(cdnow, h, 0)).toBe(0);
    const horizon = [4, 13, 52, 104].map((t) => conditionalExpectedPurchases(cdnow, h, t));
    for (let i = 1; i < horizon.length; i++) expect(horizon[i]).toBeGreaterThan(horizon[i - 1]);
    expect(conditionalExpectedPurchases(cdnow, { ...h, recency: 5 }, 52)).toBeLessThan(horizon[2]);
  });

  it('stays finite for heavy buyers over long horizons (large x: the series is transformed)', () => {
    const value = conditionalExpectedPurchases(cdnow, { frequency: 150, recency: 100, age: 100 }, 520);
    expect(Number.isFinite(value)).toBe(true);
    expect(value).toBeGreaterThan(100);
  });

  it('P(X(t) = n) sums to 1 over n and its mean is E[X(t)], equation (8) against (9)', () => {
    for (const p of [params, cdnow]) {
      const t = 39;
      let total = 0;
      let mean = 0;
      for (let n = 0; n < 400; n++) {
        const pn = probabilityOfPurchases(p, t, n);
        expect(pn).toBeGreaterThanOrEqual(0);
        total += pn;
        mean += n * pn;
      }
      expect(total).toBeCloseTo(1, 8);
      expect(mean).toBeCloseTo(expectedPurchases(p, t), 6);
    }
    expect(probabilityOfPurchases(cdnow, 0, 0)).toBe(1);
    expect(probabilityOfPurchases(cdnow, 0, 2)).toBe(0);
  });

  it('refuses to fit nothing or impossible histories', () => {
    expect(() => fitBgNbd([])).toThrow(RangeError);
    expect(() => fitBgNbd([{ frequency: 1, recency: 5, age: 4 }])).toThrow(/recency <= age/);
    expect(() => fitBgNbd([{ frequency: 1.5, recency: 1, age: 4 }])).toThrow(/integer/);
  });
});
