import { historiesByCanonical } from '../kpis/historical-clv';
import { canonicalIdsFrom, identity } from '../merges';
import { bucketsFromEvents } from '../replay';
import { journeys, MERGES } from '../testing/journeys';
import { cohortRetention } from './cohort-retention';

const buckets = bucketsFromEvents(journeys());
const histories = historiesByCanonical(buckets.histories, canonicalIdsFrom(MERGES));

describe('monthly acquisition cohorts', () => {
  it('March cohort ana, cy, gus: two back in April; April cohort ben, fay, jon (hal is gus, not a new customer)', () => {
    expect(cohortRetention(histories, { from: '2026-03-01', to: '2026-04-30' })).toEqual({
      maxOffset: 1,
      cohorts: [
        { cohort: '2026-03', size: 3, months: [{ offset: 0, active: 3, retention: 1 }, { offset: 1, active: 2, retention: 2 / 3 }] },
        { cohort: '2026-04', size: 3, months: [{ offset: 0, active: 3, retention: 1 }] },
      ],
    });
  });

  it('looks at orders up to the period’s end only, and each month once per customer', () => {
    const may = cohortRetention(histories, { from: '2026-03-01', to: '2026-05-31' });
    expect(may.cohorts[0].months.map((m) => m.active)).toEqual([3, 2, 1]); // ana's May order
    expect(may.cohorts[1].months.map((m) => m.active)).toEqual([3, 0]);
    expect(may.cohorts[2]).toEqual({ cohort: '2026-05', size: 0, months: [{ offset: 0, active: 0, retention: null }] });
  });

  it('without merge resolution hal would join the April cohort', () => {
    const raw = cohortRetention(historiesByCanonical(buckets.histories, identity), { from: '2026-04-01', to: '2026-04-30' });
    expect(raw.cohorts[0].size).toBe(4);
  });

  it('has no rows before any customer', () => {
    expect(cohortRetention(histories, { from: '2025-01-01', to: '2025-02-28' }).cohorts.every((c) => c.size === 0)).toBe(true);
  });
});
