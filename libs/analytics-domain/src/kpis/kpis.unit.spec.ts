import { bucketsFromEvents } from '../replay';
import { canonicalIdsFrom, identity } from '../merges';
import { APRIL, journeys, MERGES, order, refund, registered } from '../testing/journeys';
import { conversion } from './conversion';
import { historicalClv, historiesByCanonical } from './historical-clv';
import { kpiDefinition, kpiReport, kpiReports, KPIS, noKpiInputs, type KpiInputs } from './kpi-catalogue';
import { bucketsOf } from '../period';
import { loyaltyEngagement } from './loyalty-engagement';
import { orderValue } from './order-value';
import { summarisePeriod } from './period-totals';
import { repeatPurchase } from './repeat-purchase';
import { retention } from './retention';
import { csat, nps } from './satisfaction';
import { nearestRank, ticketResolution } from './ticket-resolution';

// Every expected figure below was worked out by hand from `journeys()` (src/testing/journeys.ts).
const buckets = bucketsFromEvents(journeys());
const canonical = canonicalIdsFrom(MERGES);
const EMPTY = { from: '2025-01-01', to: '2025-01-31' };

describe('retention and churn', () => {
  it('April: of ana, cy and gus (March buyers), ana and gus bought again', () => {
    expect(retention(buckets.customerDays, APRIL, canonical)).toEqual({ customersAtStart: 3, retained: 2, retentionRate: 2 / 3, churnRate: 1 / 3 });
  });

  it('counts a merged customer’s purchases for the survivor', () => {
    const events = [order('x', '2026-03-10', 'x1', 100), order('y', '2026-04-10', 'y1', 100)];
    const days = bucketsFromEvents(events).customerDays;
    expect(retention(days, APRIL, identity).retentionRate).toBe(0);
    expect(retention(days, APRIL, canonicalIdsFrom([['y', 'x']])).retentionRate).toBe(1);
  });

  it('a refunded purchase still counts as coming back', () => {
    const events = [order('x', '2026-03-10', 'x1', 100), order('x', '2026-04-10', 'x2', 100), refund('x', '2026-04-11', 'x2', 100)];
    expect(retention(bucketsFromEvents(events).customerDays, APRIL).retentionRate).toBe(1);
  });

  it('is null (not 0) when nobody bought in the previous period', () => {
    expect(retention(buckets.customerDays, EMPTY, canonical)).toEqual({ customersAtStart: 0, retained: 0, retentionRate: null, churnRate: null });
  });
});

describe('repeat purchase rate', () => {
  it('April: ben (two orders one day) and gus (one under hal, one under gus) of five purchasers', () => {
    expect(repeatPurchase(buckets.customerDays, APRIL, canonical)).toEqual({ purchasers: 5, repeatPurchasers: 2, repeatPurchaseRate: 0.4 });
  });

  it('without merge resolution hal and gus would be two one-time buyers', () => {
    expect(repeatPurchase(buckets.customerDays, APRIL, identity)).toEqual({ purchasers: 6, repeatPurchasers: 1, repeatPurchaseRate: 1 / 6 });
  });

  it('is null for an empty period', () => {
    expect(repeatPurchase(buckets.customerDays, EMPTY).repeatPurchaseRate).toBeNull();
  });
});

describe('average order value', () => {
  it('April: 8,750 EUR over 7 orders; the 1,000 refund lowers net revenue, not the AOV', () => {
    expect(orderValue(buckets.customerDays, APRIL)).toEqual({
      orders: 7,
      averageOrderValueMinorByCurrency: { EUR: 1250 },
      revenueMinorByCurrency: { EUR: 8750 },
      refundedMinorByCurrency: { EUR: 1000 },
      netRevenueMinorByCurrency: { EUR: 7750 },
    });
  });

  it('keeps currencies apart (March: 1,100 EUR over 2 orders, 700 USD over 1)', () => {
    expect(orderValue(buckets.customerDays, { from: '2026-03-01', to: '2026-03-31' }).averageOrderValueMinorByCurrency).toEqual({ EUR: 550, USD: 700 });
  });

  it('is empty for an empty period, and a period of only refunds has net revenue but no AOV', () => {
    expect(orderValue(buckets.customerDays, EMPTY)).toEqual({ orders: 0, averageOrderValueMinorByCurrency: {}, revenueMinorByCurrency: {}, refundedMinorByCurrency: {}, netRevenueMinorByCurrency: {} });
    const onlyRefund = orderValue(bucketsFromEvents([refund('x', '2026-04-11', 'x0', 300)]).customerDays, APRIL);
    expect(onlyRefund).toMatchObject({ orders: 0, averageOrderValueMinorByCurrency: {}, netRevenueMinorByCurrency: { EUR: -300 } });
  });
});

describe('lead conversion and funnel', () => {
  const april = conversion(buckets.customerDays, APRIL, canonical);

  it('April: ben and fay (lead captured as eve) converted; ivy did not buy, jon bought before his lead', () => {
    expect(april).toMatchObject({ leads: 4, convertedLeads: 2, leadConversionRate: 0.5 });
    expect(conversion(buckets.customerDays, APRIL, identity)).toMatchObject({ leads: 4, convertedLeads: 1 });
  });

  it('April funnel: each opportunity at its furthest stage, counted for every stage before it', () => {
    expect(april.funnel).toEqual([
      { stage: 'lead', opportunities: 3, conversionFromPrevious: null },
      { stage: 'qualified', opportunities: 3, conversionFromPrevious: 1 },
      { stage: 'proposal', opportunities: 2, conversionFromPrevious: 2 / 3 },
      { stage: 'negotiation', opportunities: 1, conversionFromPrevious: 0.5 },
      { stage: 'won', opportunities: 1, conversionFromPrevious: 1 },
    ]);
    expect(april).toMatchObject({ lostOpportunities: 1, winRate: 1 / 3 });
  });

  it('is null for an empty period', () => {
    const empty = conversion(buckets.customerDays, EMPTY);
    expect(empty).toMatchObject({ leads: 0, leadConversionRate: null, winRate: null, lostOpportunities: 0 });
    expect(empty.funnel.map((s) => s.conversionFromPrevious)).toEqual([null, null, null, null, null]);
  });
});

describe('NPS and CSAT', () => {
  it('April NPS: promoters ana and fay, passive cy, detractor ben → 100 · (2 − 1)/4 = 25', () => {
    expect(nps(buckets.customerDays, APRIL)).toEqual({ responses: 4, promoters: 2, passives: 1, detractors: 1, nps: 25 });
  });

  it('April CSAT: ben’s survey 4 and ana’s ticket satisfaction 2 → 50 %, mean 3', () => {
    expect(csat(buckets.customerDays, APRIL)).toEqual({ responses: 2, satisfied: 1, csatPercent: 50, averageScore: 3 });
  });

  it('are null for an empty period', () => {
    expect(nps(buckets.customerDays, EMPTY).nps).toBeNull();
    expect(csat(buckets.customerDays, EMPTY)).toMatchObject({ csatPercent: null, averageScore: null });
  });
});

describe('ticket resolution time', () => {
  it('April: 2 h (resolvedAt given), 6 h across midnight, 24 h; one resolution without an opening; May’s left out', () => {
    expect(ticketResolution(buckets.tickets, APRIL)).toEqual({ resolved: 3, withoutOpening: 1, averageHours: 32 / 3, p90Hours: 24 });
  });

  it('nearest-rank p90: the ⌈0.9 n⌉-th value', () => {
    expect(nearestRank([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9)).toBe(9);
    expect(nearestRank([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 0.9)).toBe(10);
    expect(nearestRank([7], 0.9)).toBe(7);
    expect(nearestRank([], 0.9)).toBeNull();
  });

  it('is null for an empty period; a resolution before its opening counts as 0 h', () => {
    expect(ticketResolution(buckets.tickets, EMPTY)).toEqual({ resolved: 0, withoutOpening: 0, averageHours: null, p90Hours: null });
    expect(ticketResolution([{ resolvedDay: '2026-04-02', resolutionHours: -3 }], APRIL)).toMatchObject({ averageHours: 0 });
  });
});

describe('loyalty engagement', () => {
  it('April: ana, ben and hal (counted as gus) earned or redeemed; 180 earned, 40 − 10 reversed redeemed; cy’s expiry is not activity', () => {
    expect(loyaltyEngagement(buckets.loyaltyDays, APRIL, canonical)).toEqual({
      activeMembers: 3,
      pointsEarned: 180,
      pointsRedeemed: 30,
      pointsExpired: 20,
      redemptionRatio: 1 / 6,
      tierUpgrades: 0,
      tierDowngrades: 1,
    });
  });

  it('is zero with a null ratio for an empty period', () => {
    expect(loyaltyEngagement(buckets.loyaltyDays, EMPTY)).toMatchObject({ activeMembers: 0, pointsEarned: 0, redemptionRatio: null });
  });
});

describe('historical CLV', () => {
  const histories = historiesByCanonical(buckets.histories, canonical);

  it('to 30 April: six customers (hal is gus); EUR net of the refund 8,850, USD 700', () => {
    expect(historicalClv(histories, '2026-04-30')).toEqual({
      customers: 6,
      netRevenueMinorByCurrency: { EUR: 8850, USD: 700 },
      historicalClvMinorByCurrency: { EUR: 1475, USD: 700 / 6 },
    });
  });

  it('to 11 April: the refund of the 12th and the later orders do not count yet', () => {
    expect(historicalClv(histories, '2026-04-11')).toMatchObject({ customers: 6, netRevenueMinorByCurrency: { EUR: 9350, USD: 700 } });
  });

  it('without merge resolution hal would be a seventh customer', () => {
    expect(historicalClv(historiesByCanonical(buckets.histories, identity), '2026-04-30').customers).toBe(7);
  });

  it('has no customers and no value before the first order', () => {
    expect(historicalClv(histories, '2026-03-01')).toEqual({ customers: 0, netRevenueMinorByCurrency: {}, historicalClvMinorByCurrency: {} });
  });
});

describe('period totals', () => {
  it('April: 7 orders, 7 active customers (eve is fay, hal is gus), none registered', () => {
    expect(summarisePeriod(buckets.customerDays, APRIL, canonical)).toEqual({ orders: 7, revenueMinorByCurrency: { EUR: 8750 }, newCustomers: 0, activeCustomers: 7 });
    expect(summarisePeriod(buckets.customerDays, APRIL).activeCustomers).toBe(9);
  });

  it('counts registrations as new customers', () => {
    const days = bucketsFromEvents([registered('x', '2026-04-03'), order('x', '2026-04-03', 'x1', 5)]).customerDays;
    expect(summarisePeriod(days, APRIL)).toEqual({ orders: 1, revenueMinorByCurrency: { EUR: 5 }, newCustomers: 1, activeCustomers: 1 });
  });

  it('is zeros for an empty period', () => {
    expect(summarisePeriod(buckets.customerDays, EMPTY)).toEqual({ orders: 0, revenueMinorByCurrency: {}, newCustomers: 0, activeCustomers: 0 });
  });
});

describe('KPI catalogue', () => {
  const inputs: KpiInputs = { ...buckets, histories: historiesByCanonical(buckets.histories, canonical), canonical };

  it('names every KPI once, with a unit', () => {
    const names = KPIS.map((k) => k.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual([
      'retention-rate',
      'churn-rate',
      'historical-clv',
      'average-order-value',
      'repeat-purchase-rate',
      'conversion-rate',
      'nps',
      'csat',
      'ticket-resolution-time',
      'loyalty-engagement',
    ]);
  });

  it('reports the headline value of the period and of each bucket (months)', () => {
    const report = kpiReport(kpiDefinition('average-order-value')!, inputs, { from: '2026-03-01', to: '2026-04-30' }, 'month');
    expect(report.value).toEqual({ EUR: 9850 / 9, USD: 700 });
    expect(report.series).toEqual([
      { from: '2026-03-01', to: '2026-03-31', value: { EUR: 550, USD: 700 } },
      { from: '2026-04-01', to: '2026-04-30', value: { EUR: 1250 } },
    ]);
  });

  it('cuts April into ISO weeks (the 1st is a Wednesday) and days', () => {
    const weeks = kpiReport(kpiDefinition('nps')!, inputs, APRIL, 'week').series;
    expect(weeks.map((w) => [w.from, w.to, w.value])).toEqual([
      ['2026-04-01', '2026-04-05', 0], // only cy's 8 (a passive)
      ['2026-04-06', '2026-04-12', 100], // fay 9, ana 10
      ['2026-04-13', '2026-04-19', null],
      ['2026-04-20', '2026-04-26', -100], // ben 3
      ['2026-04-27', '2026-04-30', null],
    ]);
    expect(kpiReport(kpiDefinition('nps')!, inputs, APRIL, 'day').series).toHaveLength(30);
  });

  it('every KPI answers an empty world without throwing, with null or empty values', () => {
    for (const definition of KPIS) {
      const { value } = definition.compute(noKpiInputs(), APRIL);
      expect(value === null || value === 0 || (typeof value === 'object' && Object.keys(value).length === 0)).toBe(true);
    }
  });
});

it('computes each bucket from its own rows with the same result as from all rows', () => {
  const inputs: KpiInputs = { ...buckets, histories: historiesByCanonical(buckets.histories, canonical), canonical };
  const period = { from: '2026-03-01', to: '2026-05-31' };
  for (const granularity of ['day', 'week', 'month'] as const) {
    const reports = kpiReports(KPIS, inputs, period, granularity);
    reports.forEach((report, i) => {
      expect(report.value).toEqual(KPIS[i].compute(inputs, period).value);
      expect(report.series.map((p) => p.value)).toEqual(bucketsOf(period, granularity).map((b) => KPIS[i].compute(inputs, b).value));
    });
  }
});

it('each KPI reading customer-days needs only the fields it declares', () => {
  const period = { from: '2026-03-01', to: '2026-04-30' };
  const inputs: KpiInputs = { ...buckets, histories: historiesByCanonical(buckets.histories, canonical), canonical };
  for (const definition of KPIS) {
    if (!definition.sources.includes('customerDays')) continue;
    const fields = ['day', 'customerId', ...(definition.customerDayFields ?? [])];
    const narrowed = inputs.customerDays.map((row) => Object.fromEntries(fields.map((f) => [f, row[f as keyof typeof row]]))) as unknown as KpiInputs['customerDays'];
    expect(definition.customerDayFields).toBeDefined();
    expect(definition.compute({ ...inputs, customerDays: narrowed }, period)).toEqual(definition.compute(inputs, period));
  }
});
