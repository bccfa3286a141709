import { Transform } from 'class-transformer';

/** `"true"`/`"1"`/`"yes"` → true, `"false"`/`"0"`/`"no"` → false; anything else is left for validation to reject. */
export const EnvBoolean = (): PropertyDecorator =>
  // Reads the raw string from `obj`: implicit conversion has already turned "false" into true in `value`.
  Transform(({ obj, key, value: converted }: { obj: Record<string, unknown>; key: string; value: unknown }) => {
    if (obj[key] === undefined) return converted; // not set: keep the default
    const value = obj[key];
    if (typeof value === 'boolean') return value;
    const text = String(value).trim().toLowerCase();
    if (['true', '1', 'yes', 'on'].includes(text)) return true;
    if (['false', '0', 'no', 'off'].includes(text)) return false;
    return value;
  });

/** Comma-separated list → trimmed, non-empty strings. */
export const EnvList = (): PropertyDecorator =>
  Transform(({ obj, key, value: converted }: { obj: Record<string, unknown>; key: string; value: unknown }) => {
    if (obj[key] === undefined) return converted; // not set: keep the default
    const value = obj[key];
    return Array.isArray(value) ? value : String(value).split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  });
