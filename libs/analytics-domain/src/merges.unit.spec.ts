import { aliasesOf, canonicalIdsFrom } from './merges';

describe('merged customers', () => {
  it('count under their survivor, following chains', () => {
    const canonical = canonicalIdsFrom([
      ['a', 'b'],
      ['b', 'c'],
      ['x', 'y'],
    ]);
    expect(['a', 'b', 'c', 'x', 'z'].map(canonical)).toEqual(['c', 'c', 'c', 'y', 'z']);
  });

  it('stop at a cycle rather than loop', () => {
    const canonical = canonicalIdsFrom([
      ['a', 'b'],
      ['b', 'a'],
    ]);
    expect(canonical('a')).toBe('b');
  });

  it('give every id that counts as one of the given customers', () => {
    expect(aliasesOf(['c'], [['a', 'b'], ['b', 'c'], ['x', 'y']])).toEqual(new Set(['c', 'a', 'b']));
  });
});
