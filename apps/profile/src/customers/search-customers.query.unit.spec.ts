import { searchFilter, SearchCustomersQuery } from './search-customers.query';

const query = (fields: Partial<SearchCustomersQuery>) => Object.assign(new SearchCustomersQuery(), fields);

describe('searchFilter', () => {
  it('leaves merged customers out and combines filters with AND', () => {
    expect(searchFilter(query({}))).toEqual({ mergedInto: { $exists: false } });
    expect(searchFilter(query({ stage: 'loyal', segment: 'vip', tier: 'gold', country: 'DE' }))).toEqual({
      mergedInto: { $exists: false },
      lifecycleStage: 'loyal',
      'segments.segmentId': 'vip',
      'loyalty.tier': 'gold',
      country: 'DE',
    });
  });

  it('compares last seen as stored (UTC ISO strings), whatever offset the query used', () => {
    expect(searchFilter(query({ lastSeenFrom: '2026-03-01T10:00:00+02:00' }))['lastSeenAt']).toEqual({ $gte: '2026-03-01T08:00:00.000Z' });
    expect(searchFilter(query({ lastSeenTo: '2026-03-02' }))['lastSeenAt']).toEqual({ $lt: '2026-03-02T00:00:00.000Z' });
  });

  it('matches net revenue within one currency element', () => {
    expect(searchFilter(query({ currency: 'EUR', minRevenueMinor: 100, maxRevenueMinor: 900 }))['revenue']).toEqual({
      $elemMatch: { currency: 'EUR', netMinor: { $gte: 100, $lte: 900 } },
    });
    expect(searchFilter(query({ currency: 'EUR' }))).not.toHaveProperty('revenue');
  });
});
