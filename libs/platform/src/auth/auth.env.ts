import { Expose } from 'class-transformer';
import {
  IsBoolean,
  IsInt,
  IsString,
  Min,
  Validate,
  ValidatorConstraint,
  type ValidationArguments,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { EnvBoolean } from '../config/env-transforms';
import { parseApiKeys } from './api-keys';

@ValidatorConstraint({ name: 'apiKeys' })
class ApiKeysConstraint implements ValidatorConstraintInterface {
  validate(value: unknown, args: ValidationArguments): boolean {
    return this.problems(value, args).length === 0;
  }

  defaultMessage(args: ValidationArguments): string {
    return this.problems(args.value, args).join('; ');
  }

  private problems(value: unknown, args: ValidationArguments): string[] {
    const disabled = (args.object as AuthEnv).AUTH_DISABLED === true;
    const text = typeof value === 'string' ? value : '';
    const parsed = parseApiKeys(text);
    if (!parsed.ok) return parsed.problems;
    if (parsed.keys.length === 0 && !disabled) {
      return ['no API key configured: set API_KEYS (see README "Access control"; create one with infra/local/api-key), or AUTH_DISABLED=true for local experiments only'];
    }
    return [];
  }
}

/** Who may call a service's HTTP API, and how often. */
export class AuthEnv {
  /**
   * `<name>:<sha256 hex of the key>:<scope>,<scope>` entries separated by `;` (only hashes, never
   * keys). `*` grants every scope. Required unless AUTH_DISABLED=true.
   */
  @Expose() @IsString() @Validate(ApiKeysConstraint)
  API_KEYS: string = '';

  /** Requests per minute per API key, across all of a service's endpoints. */
  @Expose() @IsInt() @Min(1)
  RATE_LIMIT_PER_MINUTE: number = 6000;

  /** Accept every request without a key. For local experiments only: logs a warning at start. */
  @Expose() @EnvBoolean() @IsBoolean()
  AUTH_DISABLED: boolean = false;
}
