import { isPlainObject, Problems, type Parsed } from '../rules/parse-result';
import { parseSegmentRule } from '../rules/parse-segment-rule';
import type { SegmentRule } from '../rules/segment-rule';

/** A segment as the rules see it: a versioned, named rule. */
export interface SegmentDefinition {
  readonly id: string;
  readonly name: string;
  readonly description?: string;
  /** 1 on creation, +1 on every change; membership events name the version that decided. */
  readonly version: number;
  readonly rule: SegmentRule;
}

/** What a client sends to create (`id` required) or replace (`id` from the path) a segment. */
export interface SegmentInput {
  readonly id: string;
  readonly name: string;
  readonly description?: string;
  readonly rule: SegmentRule;
}

export const SEGMENT_ID = /^[a-z0-9][a-z0-9-]{0,63}$/;
const NAME_MAX = 100;
const DESCRIPTION_MAX = 500;

/**
 * Validates a create (`{ id, name, description?, rule }`) or a replace (`{ name, description?, rule }`
 * with the id from the path). Every problem is reported with its path (`rule.any[0].field`).
 */
export function parseSegmentInput(body: unknown, pathId?: string): Parsed<SegmentInput> {
  const problems = new Problems();
  if (!isPlainObject(body)) {
    problems.add('', 'must be a JSON object { id, name, description?, rule }');
    return { ok: false, errors: problems.list() };
  }
  const allowed = ['id', 'name', 'description', 'rule'];
  for (const key of Object.keys(body)) if (!allowed.includes(key)) problems.add(key, `is not a segment property; send: ${allowed.join(', ')}`);

  const id = pathId ?? body['id'];
  if (typeof id !== 'string' || !SEGMENT_ID.test(id)) problems.add('id', 'must be 1 to 64 lower-case letters, digits or dashes, starting with a letter or digit');
  if (pathId !== undefined && body['id'] !== undefined && body['id'] !== pathId) problems.add('id', `must be "${pathId}" (the id in the path) or left out`);

  const name = body['name'];
  if (typeof name !== 'string' || name.trim().length === 0 || name.length > NAME_MAX) problems.add('name', `must be a text of 1 to ${NAME_MAX} characters`);
  const description = body['description'];
  if (description !== undefined && (typeof description !== 'string' || description.length > DESCRIPTION_MAX)) {
    problems.add('description', `must be a text of at most ${DESCRIPTION_MAX} characters`);
  }

  let rule: SegmentRule | undefined;
  if (body['rule'] === undefined) problems.add('rule', 'is required');
  else {
    const parsed = parseSegmentRule(body['rule'], 'rule');
    if (parsed.ok) rule = parsed.value;
    else for (const error of parsed.errors) for (const message of error.messages) problems.add(error.field, message);
  }
  if (!problems.empty || rule === undefined) return { ok: false, errors: problems.list() };
  return {
    ok: true,
    value: { id: id as string, name: (name as string).trim(), ...(description ? { description: description as string } : {}), rule },
  };
}

/** Segments a new installation starts with; ordinary definitions afterwards (editable, deletable). */
export const STARTER_SEGMENTS: readonly SegmentInput[] = [
  { id: 'prospects', name: 'Registered, no purchase yet', rule: { field: 'orders', eq: 0 } },
  { id: 'repeat-buyers', name: 'Two or more orders', rule: { field: 'orders', gte: 2 } },
  { id: 'high-value', name: 'Lifetime spend of 500.00 or more', rule: { field: 'spendMinor', gte: 50_000 } },
];
