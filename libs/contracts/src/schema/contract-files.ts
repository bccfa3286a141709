import { EVENT_CATALOGUE } from '../events/event-catalogue';
import { asyncApiDocument } from './async-api';
import { eventJsonSchemas } from './event-json-schemas';

/** Stable JSON text: two-space indent, trailing newline. */
export const toJsonText = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

/**
 * Every generated contract file, by path relative to the output folder:
 * `schemas/<type>.schema.json` per catalogue type and `asyncapi.json`. Pure (writes nothing).
 */
export function contractFiles(): Record<string, string> {
  const schemas = eventJsonSchemas();
  const files: Record<string, string> = {};
  for (const { type } of EVENT_CATALOGUE) files[`schemas/${type}.schema.json`] = toJsonText(schemas[type]);
  files['asyncapi.json'] = toJsonText(asyncApiDocument());
  return files;
}
