import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { bgNbdTotalLogLikelihood, conditionalExpectedPurchases, expectedPurchases, fitBgNbd, type BgNbdFit, type RepeatPurchaseHistory } from './bg-nbd';
import { fitGammaGamma, gammaGammaLogLikelihood, type GammaGammaFit } from './gamma-gamma';

/** The CDNOW sample (test-data/README.md): 2,357 customers, 39-week calibration period, weeks, USD. */
function loadCdnow(): (RepeatPurchaseHistory & { averageValue: number })[] {
  const [header, ...lines] = readFileSync(join(__dirname, '../../test-data/cdnow-customers-summary.csv'), 'utf8').trim().split('\n');
  expect(header.trim()).toBe('ID,x,t_x,T,zbar');
  return lines.map((line) => {
    const [, x, tx, T, zbar] = line.split(',').map(Number);
    return { frequency: x, recency: tx, age: T, averageValue: zbar };
  });
}

const expectWithin = (actual: number, published: number, relative: number) =>
  expect({ actual, published, off: Math.abs(actual - published) / published <= relative }).toMatchObject({ off: true });

describe('model fits on the CDNOW sample match the published ones', () => {
  const customers = loadCdnow();
  let bgNbd: BgNbdFit;
  let gammaGamma: GammaGammaFit;

  beforeAll(() => {
    bgNbd = fitBgNbd(customers);
    gammaGamma = fitGammaGamma(customers);
  });

  it('is the sample of the papers: 2,357 customers, 946 of them with repeat purchases', () => {
    expect(customers).toHaveLength(2357);
    expect(customers.filter((c) => c.frequency > 0)).toHaveLength(946);
  });

  it('BG/NBD: r, α, a, b within 1 % of Fader, Hardie & Lee (2005), with their log-likelihood', () => {
    expect(bgNbd.converged).toBe(true);
    expectWithin(bgNbd.parameters.r, 0.243, 0.01);
    expectWithin(bgNbd.parameters.alpha, 4.414, 0.01);
    expectWithin(bgNbd.parameters.a, 0.793, 0.01);
    expectWithin(bgNbd.parameters.b, 2.426, 0.01);
    expect(bgNbd.logLikelihood).toBeCloseTo(-9582.4, 1);
  });

  it('BG/NBD: the fit is a maximum (moving any parameter by 1 % lowers the likelihood)', () => {
    const best = bgNbdTotalLogLikelihood(bgNbd.parameters, customers);
    for (const key of ['r', 'alpha', 'a', 'b'] as const) {
      for (const factor of [0.99, 1.01]) {
        expect(bgNbdTotalLogLikelihood({ ...bgNbd.parameters, [key]: bgNbd.parameters[key] * factor }, customers)).toBeLessThan(best);
      }
    }
  });

  it('BG/NBD: expectations equal those of the authors’ spreadsheet', () => {
    // Customer 1 (x = 2, t_x = 30.43, T = 38.86) over the 39-week holdout: 1.226.
    expect(conditionalExpectedPurchases(bgNbd.parameters, { frequency: 2, recency: 30.43, age: 38.86 }, 39)).toBeCloseTo(1.226, 3);
    const weeks = [0.1429, 1.0, 3.0, 31.8571, 32.0, 78.0];
    const published = [0.0078, 0.0532, 0.1506, 1.0405, 1.0437, 1.8576];
    weeks.forEach((t, i) => expect(expectedPurchases(bgNbd.parameters, t)).toBeCloseTo(published[i], 3));
  });

  it('Gamma-Gamma: p, q, γ within 1 % of Fader & Hardie (2013) on the 946 customers with repeat purchases', () => {
    expect(gammaGamma.converged).toBe(true);
    expect(gammaGamma.customers).toBe(946);
    expectWithin(gammaGamma.parameters.p, 6.25, 0.01);
    expectWithin(gammaGamma.parameters.q, 3.74, 0.01);
    expectWithin(gammaGamma.parameters.v, 15.44, 0.01);
  });

  it('Gamma-Gamma: the fit beats the published (rounded) parameters and their neighbours', () => {
    const repeaters = customers.filter((c) => c.frequency > 0);
    const ll = (p: number, q: number, v: number) => repeaters.reduce((sum, h) => sum + gammaGammaLogLikelihood({ p, q, v }, h), 0);
    expect(gammaGamma.logLikelihood).toBeGreaterThanOrEqual(ll(6.25, 3.74, 15.44));
    expect(gammaGamma.logLikelihood).toBeCloseTo(ll(gammaGamma.parameters.p, gammaGamma.parameters.q, gammaGamma.parameters.v), 6);
    const { p, q, v } = gammaGamma.parameters;
    for (const [dp, dq, dv] of [[1.01, 1, 1], [0.99, 1, 1], [1, 1.01, 1], [1, 0.99, 1], [1, 1, 1.01], [1, 1, 0.99]]) {
      expect(ll(p * dp, q * dq, v * dv)).toBeLessThan(gammaGamma.logLikelihood);
    }
  });
});
