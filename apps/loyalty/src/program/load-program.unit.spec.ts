import { writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_PROGRAM } from '@crm/loyalty-domain';
import { InvalidConfigurationError } from '@crm/platform';
import { loadProgram } from './load-program';

const file = (name: string, content: string): string => {
  const path = join(tmpdir(), `loyalty-program-${process.pid}-${name}.json`);
  writeFileSync(path, content);
  return path;
};

describe('loading the program', () => {
  it('runs the default program without a file, and a valid file’s program with one', () => {
    expect(loadProgram(undefined)).toBe(DEFAULT_PROGRAM);
    const custom = { ...DEFAULT_PROGRAM, id: 'custom', redemption: { minimumPoints: 1 } };
    expect(loadProgram(file('valid', JSON.stringify(custom)))).toMatchObject({ id: 'custom', redemption: { minimumPoints: 1 } });
  });

  it('refuses to start with a file that is not JSON or not a valid program, listing every problem', () => {
    expect(() => loadProgram(file('broken', '{ nope'))).toThrow(/LOYALTY_PROGRAM_FILE: cannot read .* as JSON/);
    const bad = { ...DEFAULT_PROGRAM, tiers: [{ id: 'base', name: 'Base', threshold: 5, earnMultiplier: 1 }], refunds: { balanceFloor: 10 } };
    let error: unknown;
    try {
      loadProgram(file('invalid', JSON.stringify(bad)));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidConfigurationError);
    expect((error as InvalidConfigurationError).problems).toEqual(
      expect.arrayContaining([
        'LOYALTY_PROGRAM_FILE tiers.0.threshold: the lowest tier must have threshold 0',
        'LOYALTY_PROGRAM_FILE refunds.balanceFloor: must be between -1000000000 and 0',
        expect.stringContaining('rewards.2.minTier'),
      ]),
    );
  });
});
