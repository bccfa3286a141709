import { createHash } from 'node:crypto';
import { apiKeyEntry, TEST_API_KEY, testApiKeyEnv } from '../testing/test-api-key';
import { InvalidConfigurationError, loadEnv } from '../config/load-env';
import { findApiKey, missingScopes, parseApiKeys } from './api-keys';
import { AuthEnv } from './auth.env';

const sha = (key: string) => createHash('sha256').update(key).digest('hex');
const problemsOf = (text: string): string[] => {
  const parsed = parseApiKeys(text);
  if (parsed.ok) throw new Error('expected problems');
  return parsed.problems;
};

describe('parseApiKeys', () => {
  it('reads the format testing/test-api-key.ts writes, splitting on the first two colons only', () => {
    const text = [apiKeyEntry('ops', 'k1', ['events:write', 'admin:replay']), apiKeyEntry('crm', 'k2', ['*'])].join(';');
    const parsed = parseApiKeys(text);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.keys.map((k) => [k.name, k.hash.toString('hex'), k.scopes])).toEqual([
      ['ops', sha('k1'), ['events:write', 'admin:replay']],
      ['crm', sha('k2'), ['*']],
    ]);
  });

  it('ignores blank entries and whitespace, accepts upper-case hex, de-duplicates scopes', () => {
    const parsed = parseApiKeys(` a:${sha('x').toUpperCase()}: profiles:read , profiles:read ; ;`);
    expect(parsed).toMatchObject({ ok: true, keys: [{ name: 'a', scopes: ['profiles:read'] }] });
    expect(parseApiKeys('')).toEqual({ ok: true, keys: [] });
  });

  it('reports every malformed entry by position and name, without echoing the hash', () => {
    const problems = problemsOf(['nocolons', `bad name:${sha('a')}:x:y`, 'ok:raw-key-pasted:*', `e:${sha('b')}:`, `f:${sha('c')}:Profiles:Read`].join(';'));
    expect(problems).toEqual([
      expect.stringMatching(/^entry 1: expected <name>:<sha256 hex>:<scope>/),
      expect.stringMatching(/^entry 2: name must be/),
      expect.stringMatching(/^entry 3 \("ok"\): the key hash must be 64 hex characters/),
      expect.stringMatching(/^entry 4 \("e"\): no scopes/),
      expect.stringMatching(/^entry 5 \("f"\): invalid scope\(s\) "Profiles:Read"/),
    ]);
    expect(problems.join(' ')).not.toContain('raw-key-pasted');
  });

  it('refuses duplicate names and duplicate keys', () => {
    expect(problemsOf(`a:${sha('1')}:*;a:${sha('2')}:*;b:${sha('1')}:*`)).toEqual([
      'entry 2 ("a"): the name is used by an earlier entry',
      'entry 3 ("b"): the same key is configured by an earlier entry',
    ]);
  });
});

describe('findApiKey and missingScopes', () => {
  const parsed = parseApiKeys(`${apiKeyEntry('reader', 'r', ['profiles:read'])};${apiKeyEntry('all', 'a', ['*'])}`);
  const keys = parsed.ok ? parsed.keys : [];

  it('finds the entry by the key, not by its hash', () => {
    expect(findApiKey(keys, 'r')?.name).toBe('reader');
    expect(findApiKey(keys, 'a')?.name).toBe('all');
    expect(findApiKey(keys, sha('r'))).toBeUndefined();
    expect(findApiKey(keys, '')).toBeUndefined();
  });

  it('* grants every scope', () => {
    expect(missingScopes(['profiles:read'], ['profiles:read'])).toEqual([]);
    expect(missingScopes(['profiles:read'], ['profiles:read', 'metrics:read'])).toEqual(['metrics:read']);
    expect(missingScopes(['*'], ['admin:replay'])).toEqual([]);
  });
});

describe('AuthEnv', () => {
  it('loads the test key with the default rate limit', () => {
    const env = loadEnv(AuthEnv, testApiKeyEnv());
    expect(env).toMatchObject({ RATE_LIMIT_PER_MINUTE: 6000, AUTH_DISABLED: false });
    const parsed = parseApiKeys(env.API_KEYS);
    expect(parsed.ok && findApiKey(parsed.keys, TEST_API_KEY)?.scopes).toEqual(['*']);
  });

  it('refuses to start without keys unless AUTH_DISABLED=true', () => {
    expect(() => loadEnv(AuthEnv, {})).toThrow(/API_KEYS: no API key configured/);
    expect(loadEnv(AuthEnv, { AUTH_DISABLED: 'true' })).toMatchObject({ API_KEYS: '', AUTH_DISABLED: true });
  });

  it('lists malformed entries and a bad rate limit as configuration problems', () => {
    try {
      loadEnv(AuthEnv, { API_KEYS: 'x:y', RATE_LIMIT_PER_MINUTE: '0' });
      throw new Error('expected InvalidConfigurationError');
    } catch (e) {
      expect(e).toBeInstanceOf(InvalidConfigurationError);
      const problems = (e as InvalidConfigurationError).problems;
      expect(problems).toEqual(
        expect.arrayContaining([expect.stringMatching(/^API_KEYS: entry 1: expected/), expect.stringMatching(/^RATE_LIMIT_PER_MINUTE/)]),
      );
    }
  });
});
