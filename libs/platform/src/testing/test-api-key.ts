import { createHash } from 'node:crypto';

/**
 * The API key integration tests authenticate with. Services read keys from `API_KEYS` as
 * `<name>:<sha256 hex of the key>:<scope>,<scope>` entries separated by `;` — only hashes are
 * configured, never keys. `*` grants every scope.
 */
export const TEST_API_KEY = 'crm-test-key-0123456789abcdef0123456789abcdef';

export const apiKeyEntry = (name: string, key: string, scopes: readonly string[]): string =>
  `${name}:${createHash('sha256').update(key).digest('hex')}:${scopes.join(',')}`;

/** Environment additions that make services accept TEST_API_KEY with every scope. */
export const testApiKeyEnv = (): Record<string, string> => ({ API_KEYS: apiKeyEntry('test', TEST_API_KEY, ['*']) });

/** Request headers carrying TEST_API_KEY. */
export const authHeader = (): Record<string, string> => ({ 'x-api-key': TEST_API_KEY });
