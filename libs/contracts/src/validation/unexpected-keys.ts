import type { FieldError } from './validate-customer-event';

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Keys of the raw input that did not survive the transformation into the validated classes.
 * class-transformer silently skips keys such as `__proto__`, `constructor` or `toString` (they
 * collide with the prototype), so whitelisting alone would drop them without a word; here they
 * are reported like any other unknown field.
 */
export function unexpectedKeys(raw: unknown, transformed: unknown, prefix = '', recurse = true): FieldError[] {
  if (Array.isArray(raw) && Array.isArray(transformed)) {
    return recurse ? raw.flatMap((item, i) => unexpectedKeys(item, transformed[i], prefix ? `${prefix}.${i}` : String(i))) : [];
  }
  if (!isPlainObject(raw) || typeof transformed !== 'object' || transformed === null) return [];
  return Object.keys(raw).flatMap((key) => {
    const field = prefix ? `${prefix}.${key}` : key;
    if (!Object.prototype.hasOwnProperty.call(transformed, key)) {
      return [{ field, messages: [`property ${key} should not exist`] }];
    }
    return recurse ? unexpectedKeys(raw[key], (transformed as Record<string, unknown>)[key], field) : [];
  });
}

/** Characters no stored event can hold: U+0000 (PostgreSQL jsonb refuses it) and unpaired surrogates (not Unicode text). */
function unstorableReason(text: string): string | null {
  if (text.includes('\u0000')) return 'must not contain the NUL character (U+0000)';
  if (!(text as string & { isWellFormed(): boolean }).isWellFormed()) return 'must be well-formed Unicode (no unpaired surrogates)';
  return null;
}

/** Strings (values and field names) that could not be stored are refused up front, as field errors. */
export function unstorableCharacters(raw: unknown, prefix = ''): FieldError[] {
  if (typeof raw === 'string') {
    const reason = unstorableReason(raw);
    return reason ? [{ field: prefix, messages: [`${prefix || 'value'} ${reason}`] }] : [];
  }
  if (Array.isArray(raw)) return raw.flatMap((item, i) => unstorableCharacters(item, prefix ? `${prefix}.${i}` : String(i)));
  if (!isPlainObject(raw)) return [];
  return Object.keys(raw).flatMap((key) => {
    const field = prefix ? `${prefix}.${key}` : key;
    const reason = unstorableReason(key);
    return [...(reason ? [{ field, messages: [`field name ${reason}`] }] : []), ...unstorableCharacters(raw[key], field)];
  });
}

const RESERVED_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Keys that name JavaScript object machinery. No event field is called that, and handing such a
 * key to an object mapper invites prototype pollution or a crash, so they are refused before any
 * transformation runs.
 */
export function reservedKeys(raw: unknown, prefix = ''): FieldError[] {
  if (Array.isArray(raw)) return raw.flatMap((item, i) => reservedKeys(item, prefix ? `${prefix}.${i}` : String(i)));
  if (!isPlainObject(raw)) return [];
  return Object.keys(raw).flatMap((key) => {
    const field = prefix ? `${prefix}.${key}` : key;
    return RESERVED_KEYS.has(key) ? [{ field, messages: [`property ${key} is not allowed`] }] : reservedKeys(raw[key], field);
  });
}
