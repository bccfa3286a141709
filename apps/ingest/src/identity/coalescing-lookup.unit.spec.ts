import { CoalescingLookup } from './coalescing-lookup';

describe('CoalescingLookup', () => {
  it('answers each caller for its own keys, sharing one query among callers that arrive meanwhile', async () => {
    const queries: string[][] = [];
    const lookup = new CoalescingLookup<string>(async (keys) => {
      queries.push(keys);
      await new Promise((r) => setTimeout(r, 5));
      return new Map(keys.map((k) => [k, k.toUpperCase()]));
    });
    const results = await Promise.all([lookup.get(['a']), lookup.get(['b', 'c']), lookup.get(['c', 'd']), lookup.get([])]);
    expect(queries).toEqual([['a'], ['b', 'c', 'd']]);
    expect(results.map((m) => Object.fromEntries(m))).toEqual([{ a: 'A' }, { b: 'B', c: 'C' }, { c: 'C', d: 'D' }, {}]);
  });

  it('fails every caller of a failed query, and recovers for the next', async () => {
    let fail = true;
    const lookup = new CoalescingLookup<number>(async (keys) => {
      if (fail) throw new Error('down');
      return new Map(keys.map((k) => [k, 1]));
    });
    await expect(lookup.get(['x'])).rejects.toThrow('down');
    fail = false;
    expect((await lookup.get(['x'])).get('x')).toBe(1);
  });
});
