import { ValidateBy, type ValidationOptions } from 'class-validator';

export const IS_STRING_RECORD = 'isStringRecord';

export interface StringRecordLimits {
  readonly maxEntries: number;
  readonly maxKeyLength: number;
  readonly maxValueLength: number;
}

/**
 * A small flat map of string → string (preferences, touchpoint metadata): bounded so nothing
 * unbounded reaches the store. class-validator has no record rule, hence this one; its JSON Schema
 * form is produced from the same limits (see `schema/event-json-schemas.ts`).
 */
export function IsStringRecord(limits: StringRecordLimits, options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: IS_STRING_RECORD,
      constraints: [limits],
      validator: {
        validate: (value: unknown): boolean => {
          if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
          const entries = Object.entries(value);
          return (
            entries.length <= limits.maxEntries &&
            entries.every(
              ([k, v]) => k.length >= 1 && k.length <= limits.maxKeyLength && typeof v === 'string' && v.length <= limits.maxValueLength,
            )
          );
        },
        defaultMessage: (args) =>
          `${args?.property} must be an object of at most ${limits.maxEntries} string values (keys 1–${limits.maxKeyLength}, values ≤ ${limits.maxValueLength} characters)`,
      },
    },
    options,
  );
}
