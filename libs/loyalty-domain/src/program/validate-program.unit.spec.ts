import { DEFAULT_PROGRAM } from './loyalty-program';
import { validateProgram } from './validate-program';

const clone = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;
const fieldsOf = (input: unknown): string[] => {
  const result = validateProgram(input);
  return result.ok ? [] : result.errors.map((e) => e.field);
};

describe('program validation', () => {
  it('accepts the default program as JSON and gives it back unchanged', () => {
    expect(validateProgram(clone(DEFAULT_PROGRAM))).toEqual({ ok: true, program: DEFAULT_PROGRAM });
  });

  it('fills in optional parts', () => {
    const minimal = {
      id: 'mini', name: 'Mini',
      earning: { currencies: [{ currency: 'EUR', pointsPerUnit: 1 }] },
      tiers: [{ id: 'base', name: 'Base', threshold: 0 }],
      tierQualification: { basis: 'points' },
    };
    const result = validateProgram(minimal);
    expect(result).toMatchObject({
      ok: true,
      program: {
        earning: { currencies: [{ minorUnitsPerUnit: 100 }], otherCurrencies: null, categoryMultipliers: [], eventRules: [], campaigns: [], maxPointsPerOrder: null },
        expiry: null,
        tiers: [{ earnMultiplier: 1 }],
        tierQualification: { spendCurrency: null, windowMonths: null, downgrade: { graceMonths: 0, mode: 'one-step' } },
        refunds: { balanceFloor: 0 },
        rewards: [],
      },
    });
  });

  it('names every failing field', () => {
    const bad = clone(DEFAULT_PROGRAM) as unknown as Record<string, any>;
    bad['id'] = 'Not An Id';
    bad['earning'].currencies[0].currency = 'euro';
    bad['earning'].currencies[1].pointsPerUnit = -1;
    bad['earning'].eventRules[0].cap = { maxAwards: null, maxPoints: null, windowDays: 7 };
    bad['earning'].campaigns = [{ id: 'c', multiplier: 2, from: '2026-02-01T00:00:00Z', to: '2026-01-01T00:00:00Z', appliesTo: ['order', 'nope'] }];
    bad['tiers'][1].threshold = 6_000;
    bad['tierQualification'].basis = 'spend';
    bad['rewards'][2].minTier = 'platinum';
    bad['rewards'][1].id = 'voucher-5';
    expect(fieldsOf(bad).sort()).toEqual(
      [
        'id',
        'earning.currencies.0.currency',
        'earning.currencies.1.pointsPerUnit',
        'earning.eventRules.0.cap',
        'earning.campaigns.0.to',
        'earning.campaigns.0.appliesTo.1',
        'tiers.2.threshold',
        'tierQualification.spendCurrency',
        'rewards.2.minTier',
        'rewards.1.id',
      ].sort(),
    );
  });

  it('requires a lowest tier at threshold 0 and refuses what is not an object', () => {
    const bad = clone(DEFAULT_PROGRAM) as unknown as Record<string, any>;
    bad['tiers'][0].threshold = 10;
    expect(fieldsOf(bad)).toEqual(['tiers.0.threshold']);
    expect(validateProgram('[]')).toEqual({ ok: false, errors: [{ field: '(program)', messages: ['must be an object'] }] });
  });
});
