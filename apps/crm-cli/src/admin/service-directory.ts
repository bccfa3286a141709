import type { ReadModelView, ReplayJobView } from '@crm/projections';
import { CliError } from '../cli-output';
import { AdminApiError, AdminClient, type FetchLike } from './admin-client';

/**
 * The read-side services the CLI knows (CRM_SERVICES). Commands name read models and replay ids,
 * not services: the directory asks each service which read models it has, or which holds a job.
 */
export class ServiceDirectory {
  private constructor(
    private readonly clients: readonly AdminClient[],
    private readonly apiKey: string | undefined,
    private readonly fetchImpl: FetchLike | undefined,
  ) {}

  static of(services: ReadonlyMap<string, string>, apiKey: string | undefined, fetchImpl?: FetchLike): ServiceDirectory {
    return new ServiceDirectory([...services].map(([name, url]) => new AdminClient(name, url, apiKey, fetchImpl)), apiKey, fetchImpl);
  }

  /** Only the named service: a name from CRM_SERVICES, or a URL. */
  only(service: string): ServiceDirectory {
    const known = this.clients.find((c) => c.service === service);
    if (known) return new ServiceDirectory([known], this.apiKey, this.fetchImpl);
    if (/^https?:\/\//.test(service)) {
      const url = service.replace(/\/+$/, '');
      return new ServiceDirectory([new AdminClient(url, url, this.apiKey, this.fetchImpl)], this.apiKey, this.fetchImpl);
    }
    throw new CliError(`unknown service ${service}: give a name from CRM_SERVICES (${this.clients.map((c) => c.service).join(', ')}) or a URL`);
  }

  /** The service hosting a read model (by projection or model name). */
  async locateReadModel(readModel: string): Promise<{ client: AdminClient; model: ReadModelView }> {
    const problems: string[] = [];
    const known: string[] = [];
    for (const client of this.clients) {
      try {
        const models = await client.get<ReadModelView[]>('/v1/admin/read-models');
        known.push(...models.map((m) => `${m.name} (${client.service})`));
        const model = models.find((m) => m.name === readModel || m.model === readModel);
        if (model) return { client, model };
      } catch (error) {
        problems.push((error as Error).message);
      }
    }
    const lines = [`no service has a read model "${readModel}"`, ...(known.length > 0 ? [`known: ${known.join(', ')}`] : []), ...problems.map((p) => `  ${p}`)];
    throw new CliError(lines.join('\n'));
  }

  /** The service holding a replay job. */
  async locateJob(id: string): Promise<{ client: AdminClient; job: ReplayJobView }> {
    const problems: string[] = [];
    for (const client of this.clients) {
      try {
        return { client, job: await client.get<ReplayJobView>(`/v1/admin/replays/${encodeURIComponent(id)}`) };
      } catch (error) {
        if (!(error instanceof AdminApiError && error.status === 404)) problems.push((error as Error).message);
      }
    }
    throw new CliError([`no service knows replay ${id}`, ...problems.map((p) => `  ${p}`)].join('\n'));
  }

  all(): readonly AdminClient[] {
    return this.clients;
  }
}
