import { computeRfmThresholds, quintileCutoffs, quintileScore, rfmScores, sameRfmCutoffs, type RfmInput } from './rfm-scores';

const DAY = 86_400_000;

/** Fixture: ten customers, each better than the last on every dimension, plus a SEK buyer and a non-buyer. */
const base: RfmInput[] = [
  ...Array.from({ length: 10 }, (_, i) => ({ orders: i + 1, spendMinor: (i + 1) * 10_000, spendCurrency: 'EUR', lastOrderAt: (i + 1) * DAY })),
  { orders: 3, spendMinor: 900, spendCurrency: 'SEK', lastOrderAt: 20 * DAY },
  { orders: 0, spendMinor: 0 },
];

describe('RFM quintiles', () => {
  it('cuts a list at the highest value of each lowest fifth', () => {
    expect(quintileCutoffs([10, 9, 8, 7, 6, 5, 4, 3, 2, 1])).toEqual([2, 4, 6, 8]);
    expect(quintileCutoffs([5])).toEqual([5, 5, 5, 5]);
    expect(quintileCutoffs([1, 2, 3])).toEqual([1, 2, 2, 3]);
  });

  it('scores 1 + the number of cut-offs a value is above, so ties share the lower score', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((v) => quintileScore(v, [2, 4, 6, 8]))).toEqual([1, 1, 2, 2, 3, 3, 4, 4, 5, 5]);
    const mostlyOneOrder = quintileCutoffs([1, 1, 1, 1, 1, 1, 1, 2, 3, 9]);
    expect(mostlyOneOrder).toEqual([1, 1, 1, 2]);
    expect([1, 2, 3, 9].map((v) => quintileScore(v, mostlyOneOrder))).toEqual([1, 4, 5, 5]);
  });

  it('ranks the base of buyers: recency by last order, frequency by orders, monetary within each currency', () => {
    const thresholds = computeRfmThresholds(base, 99);
    expect(thresholds).toEqual({
      computedAt: 99,
      population: 11,
      recency: [3 * DAY, 5 * DAY, 7 * DAY, 9 * DAY],
      frequency: [3, 4, 6, 8], // 1…10 and the SEK buyer's 3
      monetary: { EUR: [20_000, 40_000, 60_000, 80_000], SEK: [900, 900, 900, 900] },
    });
    expect(rfmScores(base[9], thresholds)).toEqual({ recency: 5, frequency: 5, monetary: 5 });
    expect(rfmScores(base[0], thresholds)).toEqual({ recency: 1, frequency: 1, monetary: 1 });
    expect(rfmScores(base[10], thresholds)).toEqual({ recency: 5, frequency: 1, monetary: 1 });
    expect(rfmScores(base[11], thresholds)).toBeNull();
    expect(rfmScores(base[5], null)).toBeNull();
  });

  it('has no thresholds before anyone ordered, and compares cut-offs regardless of when computed', () => {
    expect(computeRfmThresholds([{ orders: 0, spendMinor: 0 }], 1)).toBeNull();
    const a = computeRfmThresholds(base, 1);
    expect(sameRfmCutoffs(a, computeRfmThresholds(base, 2))).toBe(true);
    expect(sameRfmCutoffs(a, computeRfmThresholds([...base, { orders: 40, spendMinor: 1, spendCurrency: 'EUR', lastOrderAt: 30 * DAY }], 2))).toBe(false);
    expect(sameRfmCutoffs(null, null)).toBe(true);
    expect(sameRfmCutoffs(a, null)).toBe(false);
  });
});
