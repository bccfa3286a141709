import { ServiceDirectory } from './service-directory';
import type { FetchLike } from './admin-client';

const answer = (status: number, body: unknown) => ({ status, text: async () => JSON.stringify(body) });

describe('ServiceDirectory', () => {
  const calls: string[] = [];
  const fetchImpl: FetchLike = async (url, init) => {
    calls.push(`${init?.method ?? 'GET'} ${url} key=${init?.headers?.['x-api-key'] ?? '-'}`);
    if (url.startsWith('http://down')) throw new Error('ECONNREFUSED');
    if (url === 'http://profile/v1/admin/read-models') return answer(200, [{ name: 'customer-profile', model: 'CustomerProfile' }]);
    if (url === 'http://loyalty/v1/admin/read-models') return answer(200, [{ name: 'loyalty-balance', model: 'LoyaltyBalance' }]);
    if (url === 'http://loyalty/v1/admin/replays/r9') return answer(200, { id: 'r9' });
    return answer(404, { message: 'no replay' });
  };
  const directory = ServiceDirectory.of(new Map([['down', 'http://down'], ['profile', 'http://profile'], ['loyalty', 'http://loyalty']]), 'secret', fetchImpl);

  it('finds the service hosting a read model by projection or model name, past unreachable ones', async () => {
    expect((await directory.locateReadModel('loyalty-balance')).client.service).toBe('loyalty');
    expect((await directory.locateReadModel('CustomerProfile')).client.service).toBe('profile');
    expect(calls).toContain('GET http://profile/v1/admin/read-models key=secret');
  });

  it('names the known read models and the unreachable services when none matches', async () => {
    await expect(directory.locateReadModel('nope')).rejects.toThrow(/no service has a read model "nope"\nknown: customer-profile \(profile\), loyalty-balance \(loyalty\)\n {2}down \(http:\/\/down\) is not reachable/);
  });

  it('finds the service holding a replay, and narrows to one service by name or URL', async () => {
    expect((await directory.locateJob('r9')).client.service).toBe('loyalty');
    await expect(directory.only('profile').locateJob('r9')).rejects.toThrow('no service knows replay r9');
    expect(directory.only('http://elsewhere:9/').all()[0].baseUrl).toBe('http://elsewhere:9');
    expect(() => directory.only('billing')).toThrow(/unknown service billing/);
  });
});
