import { historiesByCanonical } from '../kpis/historical-clv';
import { canonicalIdsFrom } from '../merges';
import { bucketsFromEvents } from '../replay';
import { journeys, MERGES, order } from '../testing/journeys';
import { conditionalExpectedPurchases, probabilityAlive } from './bg-nbd';
import { predictCustomer } from './customer-prediction';
import { customerLifetimeValue } from './customer-lifetime-value';
import { customerRfm } from './customer-rfm';
import { conditionalExpectedSpend } from './gamma-gamma';
import { fitPurchaseModels, repeatPurchaseCounts, type PurchaseModels } from './purchase-models';
import { runPurchaseModels } from './model-run';
import { churnRisk } from '../churn-risk/churn-risk';

const histories = historiesByCanonical(bucketsFromEvents(journeys()).histories, canonicalIdsFrom(MERGES));
const history = (id: string) => histories.find((h) => h.customerId === id)!;

describe('customer summary for the purchase models', () => {
  it('ana on 3 May: purchase days 5 Mar, 10 Apr, 3 May; repeat values 3,000 − 1,000 refunded and 999', () => {
    expect(customerRfm(history('ana'), '2026-05-03', 'EUR')).toEqual({
      customerId: 'ana',
      frequency: 2,
      recency: 59 / 7,
      age: 59 / 7,
      firstPurchaseDay: '2026-03-05',
      lastPurchaseDay: '2026-05-03',
      averageValue: (2000 + 999) / 2,
      spendDays: 2,
    });
  });

  it('ignores purchases after the day, and days without orders in the currency for the value', () => {
    expect(customerRfm(history('ana'), '2026-04-30', 'EUR')).toMatchObject({ frequency: 1, recency: 36 / 7, age: 56 / 7, averageValue: 2000 });
    expect(customerRfm(history('cy'), '2026-04-30', 'EUR')).toMatchObject({ frequency: 0, averageValue: 0, spendDays: 0 });
    expect(customerRfm(history('ben'), '2026-04-30', 'EUR')).toMatchObject({ frequency: 0, recency: 0 }); // two orders, one day
    expect(customerRfm(history('ivy'), '2026-04-30', 'EUR')).toBeNull();
  });

  it('merged purchases count for the survivor: gus bought on 10 Mar, 18 Apr (as hal) and 25 Apr', () => {
    expect(customerRfm(history('gus'), '2026-04-30', 'EUR')).toMatchObject({ frequency: 2, recency: 46 / 7, averageValue: 250 });
  });
});

describe('purchase models', () => {
  const models: PurchaseModels = {
    bgNbd: { parameters: { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 }, logLikelihood: 0, customers: 0, iterations: 0, converged: true },
    gammaGamma: { parameters: { p: 6.25, q: 3.74, v: 15.44 }, logLikelihood: 0, customers: 0, iterations: 0, converged: true },
  };
  const settings = { purchaseHorizonWeeks: 13, clvHorizonMonths: 12, clvMonthlyDiscountRate: 0.01 };

  it('predict a customer from the fitted parameters', () => {
    const rfm = customerRfm(history('ana'), '2026-05-03', 'EUR')!;
    const spend = conditionalExpectedSpend(models.gammaGamma!.parameters, { frequency: 2, averageValue: 1499.5 });
    expect(predictCustomer(models, rfm, settings)).toEqual({
      customerId: 'ana',
      frequency: 2,
      recencyWeeks: 59 / 7,
      ageWeeks: 59 / 7,
      averageValueMinor: 1499.5,
      probabilityAlive: probabilityAlive(models.bgNbd.parameters, rfm),
      expectedPurchases: conditionalExpectedPurchases(models.bgNbd.parameters, rfm, 13),
      expectedSpendMinor: spend,
      predictedClvMinor: customerLifetimeValue(models.bgNbd.parameters, rfm, spend, { horizonMonths: 12, monthlyDiscountRate: 0.01 }),
    });
  });

  it('fall back to the customer’s own average spend without a Gamma-Gamma fit', () => {
    const rfm = customerRfm(history('ana'), '2026-05-03', 'EUR')!;
    expect(predictCustomer({ ...models, gammaGamma: null }, rfm, settings).expectedSpendMinor).toBe(1499.5);
  });

  it('compare customers by repeat purchases with what the model expects; both sum to the customers', () => {
    const customers = Array.from({ length: 40 }, (_, i) => ({ customerId: `c${i}`, frequency: i % 9, recency: (i % 9) * 2, age: 30, firstPurchaseDay: '', lastPurchaseDay: '', averageValue: 10, spendDays: i % 9 }));
    const counts = repeatPurchaseCounts(models.bgNbd.parameters, customers);
    expect(counts.map((c) => c.repeatPurchases)).toEqual(['0', '1', '2', '3', '4', '5', '6', '7+']);
    expect(counts.map((c) => c.actual)).toEqual([5, 5, 5, 5, 4, 4, 4, 8]);
    expect(counts.reduce((s, c) => s + c.expected, 0)).toBeCloseTo(40, 8);
  });

  it('are fitted to the customers who have bought; none without any', () => {
    expect(fitPurchaseModels([])).toBeNull();
    const customers = histories.map((h) => customerRfm(h, '2026-05-31', 'EUR')).filter((c) => c !== null);
    const fitted = fitPurchaseModels(customers)!;
    expect(fitted.bgNbd.customers).toBe(6);
    expect(Number.isFinite(fitted.bgNbd.logLikelihood)).toBe(true);
  });
});

describe('a model run', () => {
  const options = { asOf: '2026-04-30', currency: 'EUR', purchaseHorizonWeeks: 13, clvHorizonMonths: 12, clvMonthlyDiscountRate: 0.01, atRiskThreshold: 0.5 };

  it('scores every customer who has bought with the service signals of the churn rule', () => {
    const run = runPurchaseModels(histories, new Set(['gus']), options)!;
    expect(run.customers.map((c) => c.customerId).sort()).toEqual(['ana', 'ben', 'cy', 'fay', 'gus', 'jon']);
    const byId = new Map(run.customers.map((c) => [c.customerId, c]));
    // gus: t4 still open, tier downgraded on 20 April; ben: NPS 3 on 20 April; ana: all resolved
    expect(byId.get('gus')).toMatchObject({ openTickets: 1, recentDetractor: false, recentTierDowngrade: true });
    expect(byId.get('ben')).toMatchObject({ openTickets: 0, recentDetractor: true, recentTierDowngrade: false });
    expect(byId.get('ana')).toMatchObject({ openTickets: 0, recentDetractor: false, recentTierDowngrade: false });
    for (const c of run.customers) {
      expect(c.churnRisk.score).toBeCloseTo(churnRisk({ probabilityAlive: c.probabilityAlive, openTickets: c.openTickets, recentDetractor: c.recentDetractor, recentTierDowngrade: c.recentTierDowngrade }).score, 12);
      expect(c.atRisk).toBe(c.churnRisk.score >= 0.5);
    }
    expect(run.repeatPurchaseCounts.reduce((s, c) => s + c.actual, 0)).toBe(6);
  });

  it('is null before anyone has bought', () => {
    expect(runPurchaseModels(histories, new Set(), { ...options, asOf: '2026-03-01' })).toBeNull();
  });
});

it('a run on a few one-time buyers (a degenerate fit) still scores everyone without failing', () => {
  const few = [order('p', '2026-04-01', 'p1', 100), order('q', '2026-04-02', 'q1', 100), order('s', '2026-04-20', 's1', 100)];
  const run = runPurchaseModels(bucketsFromEvents(few).histories, new Set(), {
    asOf: '2026-04-30',
    currency: 'EUR',
    purchaseHorizonWeeks: 13,
    clvHorizonMonths: 12,
    clvMonthlyDiscountRate: 0.01,
    atRiskThreshold: 0.5,
  })!;
  expect(run.customers).toHaveLength(3);
  for (const c of run.customers) {
    expect(c.probabilityAlive).toBe(1);
    expect(c.expectedPurchases === null || Number.isFinite(c.expectedPurchases)).toBe(true);
  }
});
