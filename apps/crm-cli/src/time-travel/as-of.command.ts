import type { ServiceDirectory } from '../admin/service-directory';
import { CliError, println, type CliOutput } from '../cli-output';

export interface AsOfOptions {
  readonly at?: string;
  readonly position?: string;
  readonly clock?: 'recorded' | 'event';
  /** Whose history to fold when documents are not keyed by customer id. */
  readonly customer?: string;
  /** Every document of the customer (`<id>` is then the customer id). */
  readonly all?: boolean;
  readonly service?: string;
}

/**
 * `crm as-of <read-model> <id> --at <time>`: what a document looked like at a point in the past,
 * folded from history by the service hosting the read model. Prints the document as JSON.
 */
export async function asOfCommand(readModel: string, id: string, options: AsOfOptions, directory: ServiceDirectory, output: CliOutput): Promise<number> {
  if ((options.at === undefined) === (options.position === undefined)) throw new CliError('give --at <time> or --position <position>');
  if (options.at !== undefined && Number.isNaN(Date.parse(options.at))) throw new CliError(`--at: "${options.at}" is not a date/time`);
  if (options.clock !== undefined && options.clock !== 'recorded' && options.clock !== 'event') throw new CliError('--clock is recorded or event');
  const services = options.service ? directory.only(options.service) : directory;
  const { client, model } = await services.locateReadModel(readModel);
  const query = {
    ...(options.at !== undefined ? { asOf: new Date(options.at).toISOString() } : { asOfPosition: options.position }),
    ...(options.clock ? { clock: options.clock } : {}),
  };
  const name = encodeURIComponent(model.name);
  if (options.all) {
    const answer = await client.get<{ documents: unknown[] }>(`/v1/admin/read-models/${name}/customers/${encodeURIComponent(id)}/documents`, query);
    println(output.out, JSON.stringify(answer, null, 2));
    return 0;
  }
  const answer = await client.get(`/v1/admin/read-models/${name}/documents/${encodeURIComponent(id)}`, { ...query, ...(options.customer ? { customerId: options.customer } : {}) });
  println(output.out, JSON.stringify(answer, null, 2));
  return 0;
}
