import { readFileSync } from 'node:fs';
import { DEFAULT_PROGRAM, validateProgram, type LoyaltyProgram } from '@crm/loyalty-domain';
import { InvalidConfigurationError } from '@crm/platform';

export const LOYALTY_PROGRAM = Symbol('LOYALTY_PROGRAM');

/** The program the service runs: the file's, validated once at start (every problem listed), or the default. */
export function loadProgram(file: string | undefined): LoyaltyProgram {
  if (!file) return DEFAULT_PROGRAM;
  let input: unknown;
  try {
    input = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new InvalidConfigurationError([`LOYALTY_PROGRAM_FILE: cannot read ${file} as JSON (${(error as Error).message})`]);
  }
  const result = validateProgram(input);
  if (!result.ok) throw new InvalidConfigurationError(result.errors.map((e) => `LOYALTY_PROGRAM_FILE ${e.field || '(program)'}: ${e.messages.join('; ')}`));
  return result.program;
}
