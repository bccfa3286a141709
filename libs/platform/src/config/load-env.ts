import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { flattenValidationErrors } from '@crm/contracts';

export class InvalidConfigurationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'InvalidConfigurationError';
  }
}

/**
 * Reads one settings class from the environment and validates it once, at boot, so a service
 * fails fast with every problem listed instead of failing later on first use.
 * Only properties decorated with `@Expose()` are read; class field initialisers are the defaults,
 * and `defaults` lets each service give its own (e.g. its database name).
 */
export function loadEnv<T extends object>(
  settings: new () => T,
  env: NodeJS.ProcessEnv = process.env,
  defaults: Record<string, string> = {},
): T {
  const source: Record<string, string> = { ...defaults };
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && value !== '') source[key] = value;
  }
  const instance = plainToInstance(settings, source, {
    excludeExtraneousValues: true,
    exposeDefaultValues: true,
    enableImplicitConversion: true,
  });
  const errors = flattenValidationErrors(validateSync(instance, { forbidUnknownValues: true }));
  if (errors.length > 0) {
    throw new InvalidConfigurationError(errors.map((e) => `${e.field}: ${e.messages.join('; ')}`));
  }
  return instance;
}

const SENSITIVE = /PASSWORD|SECRET|TOKEN|KEY|CREDENTIAL/i;

/** A printable copy of settings with secrets (and passwords inside URLs) masked. */
export function redactSettings(settings: object): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(settings).map(([key, value]) => {
      if (SENSITIVE.test(key)) return [key, value === undefined ? undefined : '***'];
      if (typeof value === 'string') return [key, value.replace(/(\/\/[^:/@]+:)[^@]+@/, '$1***@')];
      return [key, value];
    }),
  );
}
