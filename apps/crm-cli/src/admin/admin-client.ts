import { CliError } from '../cli-output';

export class AdminApiError extends CliError {
  constructor(
    readonly status: number,
    readonly body: Record<string, unknown>,
    url: string,
  ) {
    super(`${url}: ${status} ${String(body['message'] ?? body['error'] ?? '')}`.trim());
    this.name = 'AdminApiError';
  }
}

export type FetchLike = (url: string, init?: { method?: string; headers?: Record<string, string>; body?: string }) => Promise<{ status: number; text(): Promise<string> }>;

/** One service's admin API (`/v1/admin/…`), authenticated with an `admin:replay` key. */
export class AdminClient {
  constructor(
    readonly service: string,
    readonly baseUrl: string,
    private readonly apiKey: string | undefined,
    private readonly fetchImpl: FetchLike = fetch as unknown as FetchLike,
  ) {}

  get<T>(path: string, query: Record<string, string | number | undefined> = {}): Promise<T> {
    const params = new URLSearchParams(Object.entries(query).filter(([, v]) => v !== undefined).map(([k, v]): [string, string] => [k, String(v)]));
    const suffix = params.size > 0 ? `?${params.toString()}` : '';
    return this.request<T>('GET', `${path}${suffix}`);
  }

  post<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('POST', path, body);
  }

  async delete(path: string): Promise<void> {
    await this.request('DELETE', path);
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const url = `${this.baseUrl}${path}`;
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.apiKey) headers['x-api-key'] = this.apiKey;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: { status: number; text(): Promise<string> };
    try {
      response = await this.fetchImpl(url, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    } catch (error) {
      throw new CliError(`${this.service} (${this.baseUrl}) is not reachable: ${(error as Error).message}`);
    }
    const text = await response.text();
    const parsed = text === '' ? {} : (JSON.parse(text) as unknown);
    if (response.status >= 400) throw new AdminApiError(response.status, (parsed ?? {}) as Record<string, unknown>, url);
    return parsed as T;
  }
}
