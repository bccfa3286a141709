import { conditionalExpectedSpend, fitGammaGamma, gammaGammaLogLikelihood } from './gamma-gamma';

describe('Gamma-Gamma', () => {
  const params = { p: 6, q: 4, v: 15 };

  it('expected spend weighs the customer’s own average against the population mean γp/(q−1)', () => {
    // population mean 15·6/3 = 30; weight px/(px+q−1) = 12/15 = 0.8 → 0.2·30 + 0.8·20 = 22
    expect(conditionalExpectedSpend(params, { frequency: 2, averageValue: 20 })).toBeCloseTo(22, 12);
    // more purchases, more weight on the customer's own average
    expect(conditionalExpectedSpend(params, { frequency: 20, averageValue: 20 })).toBeCloseTo(20 + 10 * (3 / 123), 12);
  });

  it('gives the population mean to a customer without repeat purchases', () => {
    expect(conditionalExpectedSpend(params, { frequency: 0, averageValue: 0 })).toBe(30);
  });

  it('needs q > 1 for a finite population mean', () => {
    expect(() => conditionalExpectedSpend({ p: 1, q: 1, v: 1 }, { frequency: 1, averageValue: 1 })).toThrow(/q > 1/);
  });

  it('log-likelihood for one transaction is the log density of a Gamma-Gamma (compound) value', () => {
    // x = 1: the density of z with z|ν ~ Gamma(p, ν), ν ~ Gamma(q, γ) is
    //   Γ(p+q)/(Γ(p)Γ(q)) · γ^q z^(p−1) / (γ+z)^(p+q); p = 1, q = 2, γ = 3, z = 3 → 2·9·1/6³ = 1/12
    expect(gammaGammaLogLikelihood({ p: 1, q: 2, v: 3 }, { frequency: 1, averageValue: 3 })).toBeCloseTo(Math.log(1 / 12), 12);
  });

  it('fits only customers with repeat purchases of positive value, and refuses when there are none', () => {
    expect(() => fitGammaGamma([{ frequency: 0, averageValue: 0 }, { frequency: 3, averageValue: 0 }])).toThrow(RangeError);
    const fit = fitGammaGamma([
      { frequency: 0, averageValue: 0 },
      { frequency: 1, averageValue: 10 },
      { frequency: 2, averageValue: 30 },
      { frequency: 4, averageValue: 20 },
      { frequency: 1, averageValue: 15 },
    ]);
    expect(fit.customers).toBe(4);
  });
});
