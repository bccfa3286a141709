import { Command, Option } from 'commander';
import { ServiceDirectory } from './admin/service-directory';
import { loadCliSettings, parseServices, type CliSettings } from './config/cli.env';
import type { CliOutput } from './cli-output';
import { exportCommand, importCommand, readStreamCommand, storeFromEnv, tailCommand, type StoreFactory } from './events/events.commands';
import { kafkaReplayCommand } from './kafka/kafka.commands';
import { cancelReplayCommand, listReplaysCommand, replayCommand } from './replay/replay.command';
import { asOfCommand } from './time-travel/as-of.command';

export interface CliDependencies {
  readonly output: CliOutput;
  readonly settings?: CliSettings;
  /** The event store the `events` commands use (default: from EVENT_STORE / POSTGRES_URL / …). */
  readonly stores?: StoreFactory;
  /** Receives each command's exit code. */
  readonly exit: (code: number) => void;
}

/**
 * `crm`: replays, time travel and the event log for data teams and operators. Replays and time
 * travel go through the services' admin APIs (CRM_SERVICES, CRM_API_KEY with `admin:replay`),
 * so they run where the data is; `events` reads the event store directly (EVENT_STORE,
 * POSTGRES_URL, POSTGRES_SCHEMA); `kafka` talks to the brokers (KAFKA_BROKERS, KAFKA_TOPIC_PREFIX).
 */
export function buildProgram(deps: CliDependencies): Command {
  const settings = () => deps.settings ?? loadCliSettings();
  const directory = () => ServiceDirectory.of(parseServices(settings().admin.CRM_SERVICES), settings().admin.CRM_API_KEY);
  const stores = () => deps.stores ?? storeFromEnv(() => settings().eventStore());
  const run = (work: () => Promise<number>) => async () => deps.exit(await work());

  const program = new Command('crm')
    .description('Replay read models, look into their past, and read the event log.')
    .configureOutput({ writeOut: (s) => void deps.output.out.write(s), writeErr: (s) => void deps.output.err.write(s) })
    .exitOverride()
    .showHelpAfterError();

  program
    .command('replay')
    .description('Rebuild a read model from the event store into a shadow collection, then swap it in (or compare, or keep it)')
    .argument('[read-model]', 'projection name (customer-profile) or model name; see `crm read-models`')
    .option('--from-position <position>', 'incremental: refold the customers with events after this position, trust the rest')
    .option('--from-time <time>', 'incremental, from the last position recorded at this time')
    .option('--until-position <position>', 'the model as it stood at this position (with --dry-run or --snapshot)')
    .option('--until-time <time>', 'the model as it stood at this time (with --dry-run or --snapshot)')
    .option('--dry-run', 'rebuild and report what would change; the live model is untouched')
    .option('--snapshot', 'rebuild and keep the result in its own collection')
    .option('--resume <replay-id>', 'continue (or follow) an interrupted replay from its checkpoint')
    .option('--service <name|url>', 'ask only this service')
    .option('--detach', 'start and print the replay id without following it')
    .option('--no-progress', 'plain progress lines instead of a progress bar')
    .option('--json', 'print the final replay as JSON')
    .action((readModel: string | undefined, options) => run(() => replayCommand(readModel, options, directory(), deps.output))());

  const replays = program.command('replays').description('Replays run so far');
  replays
    .command('list', { isDefault: true })
    .option('--read-model <name>')
    .option('--service <name|url>')
    .option('--json')
    .action((options) => run(() => listReplaysCommand(options, directory(), deps.output))());
  replays
    .command('cancel')
    .argument('<replay-id>')
    .option('--service <name|url>')
    .description('stop a replay and drop its shadow collection')
    .action((id: string, options) => run(() => cancelReplayCommand(id, options, directory(), deps.output))());

  program
    .command('read-models')
    .description("every service's read models")
    .action(() =>
      run(async () => {
        for (const client of directory().all()) {
          try {
            const models = await client.get<{ name: string; model: string; documents: number; replayAvailable: boolean }[]>('/v1/admin/read-models');
            for (const m of models) deps.output.out.write(`${client.service}\t${m.name}\t${m.model}\t${m.documents}\t${m.replayAvailable ? 'replayable' : 'no event store'}\n`);
          } catch (error) {
            deps.output.err.write(`${(error as Error).message}\n`);
          }
        }
        return 0;
      })(),
    );

  program
    .command('as-of')
    .description('Time travel: a document as it stood at a point in the past, folded from history')
    .argument('<read-model>')
    .argument('<id>', 'document id (the customer id for read models keyed by customer)')
    .option('--at <time>', 'ISO 8601 time')
    .option('--position <position>', 'global log position instead of a time')
    .addOption(new Option('--clock <clock>', 'recorded: what the platform had stored by then; event: events that had happened by then').choices(['recorded', 'event']))
    .option('--customer <customer-id>', 'whose history to fold, when documents are not keyed by customer id')
    .option('--all', "every document of the customer <id> (e.g. one per day)")
    .option('--service <name|url>')
    .action((readModel: string, id: string, options) => run(() => asOfCommand(readModel, id, options, directory(), deps.output))());

  const events = program.command('events').description('The event store, directly (EVENT_STORE, POSTGRES_URL, POSTGRES_SCHEMA)');
  events
    .command('stream')
    .description("a stream's events: customer-<id>, loyalty-<id>, segment-membership-<id>, lifecycle-<id>")
    .argument('<stream-id>')
    .option('--from-revision <revision>')
    .option('--limit <count>')
    .option('--json', 'NDJSON lines, as exported')
    .action((streamId: string, options) => run(() => readStreamCommand(streamId, options, stores(), deps.output))());
  events
    .command('tail')
    .description('the global log as it grows (from the head unless told otherwise); Ctrl-C to stop')
    .option('--from-position <position>')
    .option('--from-time <time>')
    .option('--from-start')
    .option('--limit <count>', 'stop after this many events')
    .option('--json', 'NDJSON lines, as exported')
    .action((options) => run(() => tailCommand(options, stores(), deps.output))());
  events
    .command('export')
    .description('a range of the global log as NDJSON (one stored event per line)')
    .option('--out <file>', 'file to write (default: stdout)')
    .option('--after <position>', 'exclusive start (default: the beginning)')
    .option('--up-to <position>', 'inclusive end (default: the head now)')
    .option('--until-time <time>', 'end at the last position recorded by this time')
    .action((options) => run(() => exportCommand(options, stores(), deps.output))());
  events
    .command('import')
    .description('restore an export into an EMPTY event store (a new schema or database)')
    .argument('<file>', "NDJSON file from `crm events export` ('-' for stdin)")
    .option('--batch-size <count>')
    .action((file: string, options) => run(() => importCommand(file, options, stores(), deps.output))());

  program
    .command('kafka')
    .description('Kafka-side operations for integrators (KAFKA_BROKERS, KAFKA_TOPIC_PREFIX)')
    .command('replay')
    .description('prepare a NEW consumer group to re-deliver a time range of a topic; prints the plan (start and stop offsets)')
    .requiredOption('--group <group>', 'a consumer group that does not exist yet')
    .requiredOption('--from <time>', 'first message time (ISO 8601)')
    .option('--to <time>', 'stop before messages at or after this time')
    .option('--topic <topic>', 'unprefixed topic (default crm.customer-events.v1)')
    .option('--dry-run', 'print the plan without creating the group')
    .action((options) => run(() => kafkaReplayCommand(options, () => settings().kafka(), deps.output))());

  return program;
}
