import { createHash, timingSafeEqual } from 'node:crypto';

/** One configured API key: its name (shown in logs and 403s), the sha256 of the key, its scopes. */
export interface ApiKeyEntry {
  readonly name: string;
  /** sha256 of the key, 32 bytes; the key itself is never configured. */
  readonly hash: Buffer;
  readonly scopes: readonly string[];
}

/** Grants every scope. */
export const ALL_SCOPES = '*';

/**
 * Every scope the platform knows, with what it allows; `admin:replay` is reserved for the
 * replay endpoints to come.
 */
export const KNOWN_SCOPES = {
  'events:write': 'ingest: POST /v1/events, POST /v1/events:batch',
  'schemas:read': 'ingest: GET /v1/schemas, /v1/schemas/:type, /v1/asyncapi',
  'profiles:read': 'profile: GET /v1/customers…',
  'segments:read': 'segmentation: GET /v1/segments…, /v1/customers/:id/segments',
  'segments:write': 'segmentation: POST /v1/segments, PUT and DELETE /v1/segments/:id',
  'loyalty:read': 'loyalty: GET /v1/loyalty/…',
  'loyalty:redeem': 'loyalty: POST /v1/loyalty/accounts/:id/redemptions',
  'loyalty:manage': 'loyalty: reversals, adjustments, POST /v1/loyalty/maintenance:run',
  'analytics:read': 'analytics: GET /v1/kpis…, /v1/cohorts, /v1/models/current, /v1/predictions…, /v1/at-risk, /v1/segment-sizes',
  'analytics:refit': 'analytics: POST /v1/models/refit',
  'metrics:read': 'every service: GET /metrics',
  'admin:replay': 'reserved: replaying projections',
} as const;

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const HASH = /^[0-9a-fA-F]{64}$/;
const SCOPE = /^[a-z0-9][a-z0-9._-]*(:[a-z0-9][a-z0-9._-]*)*$/;

export type ApiKeysParseResult = { ok: true; keys: ApiKeyEntry[] } | { ok: false; problems: string[] };

/**
 * Parses `API_KEYS`: `<name>:<sha256 hex of the key>:<scope>,<scope>` entries separated by `;`.
 * Scopes may contain `:`, so each entry is split on its first two colons only. Blank entries (a
 * trailing `;`) are ignored. Every problem is reported, naming the entry by position and name but
 * never echoing what was configured as the hash (it may be a pasted key).
 */
export function parseApiKeys(text: string): ApiKeysParseResult {
  const keys: ApiKeyEntry[] = [];
  const problems: string[] = [];
  const names = new Set<string>();
  const hashes = new Set<string>();
  text
    .split(';')
    .map((s) => s.trim())
    .forEach((entry, i) => {
      if (entry === '') return;
      const at = `entry ${i + 1}`;
      const first = entry.indexOf(':');
      const second = first < 0 ? -1 : entry.indexOf(':', first + 1);
      if (second < 0) {
        problems.push(`${at}: expected <name>:<sha256 hex>:<scope>,<scope> (generate one with infra/local/api-key)`);
        return;
      }
      const name = entry.slice(0, first).trim();
      const hash = entry.slice(first + 1, second).trim();
      const scopes = entry
        .slice(second + 1)
        .split(',')
        .map((s) => s.trim());
      const where = NAME.test(name) ? `${at} ("${name}")` : at;
      const before = problems.length;
      if (!NAME.test(name)) problems.push(`${at}: name must be 1-64 characters of letters, digits, '.', '_' or '-'`);
      else if (names.has(name)) problems.push(`${where}: the name is used by an earlier entry`);
      if (!HASH.test(hash)) problems.push(`${where}: the key hash must be 64 hex characters (the sha256 of the key, never the key itself)`);
      else if (hashes.has(hash.toLowerCase())) problems.push(`${where}: the same key is configured by an earlier entry`);
      if (scopes.length === 1 && scopes[0] === '') problems.push(`${where}: no scopes (use * for every scope)`);
      else {
        const bad = scopes.filter((s) => s !== ALL_SCOPES && !SCOPE.test(s));
        if (bad.length > 0) problems.push(`${where}: invalid scope(s) ${bad.map((s) => JSON.stringify(s)).join(', ')} (lower-case words joined by ':', or *)`);
      }
      if (problems.length > before) return;
      names.add(name);
      hashes.add(hash.toLowerCase());
      keys.push({ name, hash: Buffer.from(hash, 'hex'), scopes: [...new Set(scopes)] });
    });
  return problems.length > 0 ? { ok: false, problems } : { ok: true, keys };
}

export const hashApiKey = (key: string): Buffer => createHash('sha256').update(key, 'utf8').digest();

/**
 * The entry a presented key belongs to, or undefined. Compares the key's sha256 with every entry
 * in constant time and without stopping at a match, so timing reveals neither the hash nor which
 * entry matched.
 */
export function findApiKey(keys: readonly ApiKeyEntry[], presented: string): ApiKeyEntry | undefined {
  const hash = hashApiKey(presented);
  let found: ApiKeyEntry | undefined;
  for (const entry of keys) {
    if (timingSafeEqual(entry.hash, hash) && found === undefined) found = entry;
  }
  return found;
}

/** The required scopes an entry does not grant. */
export const missingScopes = (granted: readonly string[], required: readonly string[]): string[] =>
  granted.includes(ALL_SCOPES) ? [] : required.filter((s) => !granted.includes(s));
