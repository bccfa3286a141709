import { SingleBar } from 'cli-progress';
import type { ReplayJobView } from '@crm/projections';
import type { AdminClient } from '../admin/admin-client';
import { AdminApiError } from '../admin/admin-client';
import type { ServiceDirectory } from '../admin/service-directory';
import { CliError, println, type CliOutput } from '../cli-output';
import { formatReplayReport } from './replay-report';

export interface ReplayCommandOptions {
  readonly fromPosition?: string;
  readonly fromTime?: string;
  readonly untilPosition?: string;
  readonly untilTime?: string;
  readonly dryRun?: boolean;
  readonly snapshot?: boolean;
  readonly resume?: string;
  readonly service?: string;
  /** Start and return at once (the replay runs in the service). */
  readonly detach?: boolean;
  readonly json?: boolean;
  /** A progress bar on a terminal; plain lines otherwise. */
  readonly progress?: boolean;
  readonly pollMs?: number;
}

const point = (position?: string, time?: string) => (position !== undefined ? { position } : time !== undefined ? { time: new Date(time).toISOString() } : undefined);

function checkTime(label: string, value: string | undefined): void {
  if (value !== undefined && Number.isNaN(Date.parse(value))) throw new CliError(`${label}: "${value}" is not a date/time (ISO 8601, e.g. 2026-03-01T00:00:00Z)`);
}

/**
 * `crm replay <read-model>`: starts a replay in the service hosting the read model (through its
 * admin API, so it runs where the data is, and survives this terminal), then follows it with a
 * progress bar until it ends and prints the report. `--resume <id>` continues an interrupted one.
 * Returns the process exit code.
 */
export async function replayCommand(readModel: string | undefined, options: ReplayCommandOptions, directory: ServiceDirectory, output: CliOutput): Promise<number> {
  const services = options.service ? directory.only(options.service) : directory;
  let client: AdminClient;
  let job: ReplayJobView;
  if (options.resume) {
    ({ client, job } = await services.locateJob(options.resume));
    try {
      job = await client.post<ReplayJobView>(`/v1/admin/replays/${encodeURIComponent(options.resume)}/resume`);
      println(output.err, `resuming replay ${job.id} of ${job.readModel} in ${client.service} at ${job.phase}, position ${job.checkpoint}`);
    } catch (error) {
      // Running elsewhere (its lease not yet lapsed), or already finished: follow it as it is.
      if (!(error instanceof AdminApiError && error.status === 409)) throw error;
      println(output.err, `${String(error.body['message'])}; following it`);
    }
  } else {
    if (!readModel) throw new CliError('name the read model to replay (crm replay <read-model>), or give --resume <id>');
    if (options.fromPosition !== undefined && options.fromTime !== undefined) throw new CliError('give --from-position or --from-time, not both');
    if (options.untilPosition !== undefined && options.untilTime !== undefined) throw new CliError('give --until-position or --until-time, not both');
    if (options.dryRun && options.snapshot) throw new CliError('give --dry-run or --snapshot, not both');
    checkTime('--from-time', options.fromTime);
    checkTime('--until-time', options.untilTime);
    const located = await services.locateReadModel(readModel);
    client = located.client;
    const from = point(options.fromPosition, options.fromTime);
    const until = point(options.untilPosition, options.untilTime);
    const mode = options.dryRun ? 'dry-run' : options.snapshot ? 'snapshot' : 'swap';
    job = await client.post<ReplayJobView>('/v1/admin/replays', { readModel: located.model.name, ...(from ? { from } : {}), ...(until ? { until } : {}), mode });
    println(output.err, `replay ${job.id} of ${job.readModel} started in ${client.service} (${mode}), positions ${job.startPosition}…${job.endPosition}`);
  }
  if (options.detach) {
    if (options.json) println(output.out, JSON.stringify(job));
    else println(output.out, job.id);
    return 0;
  }
  const finished = await followReplay(client, job, output, options);
  if (options.json) println(output.out, JSON.stringify(finished, null, 2));
  else for (const line of formatReplayReport(finished, client.service)) println(output.out, line);
  return finished.status === 'completed' ? 0 : 1;
}

/** Polls a replay until it ends, drawing its progress. Ctrl-C stops following, not the replay. */
export async function followReplay(client: AdminClient, initial: ReplayJobView, output: CliOutput, options: Pick<ReplayCommandOptions, 'progress' | 'pollMs'>): Promise<ReplayJobView> {
  const useBar = options.progress !== false && output.err.isTTY === true;
  const bar = useBar
    ? new SingleBar(
        {
          stream: output.err,
          format: '{phase} |{bar}| {percentage}% | {rate} events/s | ETA {eta_text} | {read} events read',
          barsize: 30,
          hideCursor: true,
          clearOnComplete: false,
        },
        undefined,
      )
    : undefined;
  const payload = (job: ReplayJobView) => ({
    phase: job.phase.padEnd(16),
    rate: job.progress.eventsPerSecond.toLocaleString('en-US'),
    eta_text: job.progress.etaSeconds === null ? '?' : `${job.progress.etaSeconds}s`,
    read: job.counters.eventsRead.toLocaleString('en-US'),
  });
  bar?.start(1000, Math.round(initial.progress.fraction * 1000), payload(initial));
  let job = initial;
  let lastPhase = '';
  const onSigint = () => {
    bar?.stop();
    println(output.err, `\nstopped following; replay ${job.id} goes on in ${client.service}. Follow it again with: crm replay --resume ${job.id}`);
    process.exit(130);
  };
  process.once('SIGINT', onSigint);
  try {
    for (;;) {
      if (!bar && job.phase !== lastPhase) {
        println(output.err, `${job.phase} ${Math.round(job.progress.fraction * 100)}% ${job.progress.eventsPerSecond} events/s`);
        lastPhase = job.phase;
      }
      bar?.update(Math.round(job.progress.fraction * 1000), payload(job));
      if (job.status !== 'running') break;
      await new Promise((r) => setTimeout(r, options.pollMs ?? 500));
      job = await client.get<ReplayJobView>(`/v1/admin/replays/${encodeURIComponent(job.id)}`);
    }
  } finally {
    process.removeListener('SIGINT', onSigint);
    bar?.stop();
  }
  return job;
}

/** `crm replays`: recent replays of every service (or one read model). */
export async function listReplaysCommand(options: { readModel?: string; service?: string; json?: boolean }, directory: ServiceDirectory, output: CliOutput): Promise<number> {
  const services = options.service ? directory.only(options.service) : directory;
  const rows: { service: string; job: ReplayJobView }[] = [];
  for (const client of services.all()) {
    try {
      const jobs = await client.get<ReplayJobView[]>('/v1/admin/replays', { readModel: options.readModel });
      rows.push(...jobs.map((job) => ({ service: client.service, job })));
    } catch (error) {
      if (!(error instanceof AdminApiError && error.status === 404)) println(output.err, (error as Error).message);
    }
  }
  if (options.json) {
    println(output.out, JSON.stringify(rows.map((r) => ({ service: r.service, ...r.job })), null, 2));
    return 0;
  }
  for (const { service, job } of rows) {
    println(output.out, [job.id, service, job.readModel, job.mode, job.status, job.phase, `${Math.round(job.progress.fraction * 100)}%`, job.createdAt].join('\t'));
  }
  return 0;
}

export async function cancelReplayCommand(id: string, options: { service?: string }, directory: ServiceDirectory, output: CliOutput): Promise<number> {
  const services = options.service ? directory.only(options.service) : directory;
  const { client } = await services.locateJob(id);
  const job = await client.post<ReplayJobView>(`/v1/admin/replays/${encodeURIComponent(id)}/cancel`);
  println(output.out, `replay ${job.id}: ${job.status}`);
  return job.status === 'cancelled' ? 0 : 1;
}
