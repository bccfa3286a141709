import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { createEventStore, exportEvents, importEvents, toNdjsonEvent, type EventStore, type EventStoreEnv, type StoredEvent } from '@crm/event-store';
import { headPosition, positionAtTime } from '@crm/projections';
import { CliError, println, type CliOutput } from '../cli-output';

/** The `events` commands read (and, for import, write) the event store directly: they need its settings, not a service. */
export type StoreFactory = () => Promise<EventStore>;

export const storeFromEnv = (env: () => EventStoreEnv): StoreFactory => () => createEventStore(env());

async function withStore<T>(factory: StoreFactory, work: (store: EventStore) => Promise<T>): Promise<T> {
  const store = await factory();
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}

const describeEvent = (e: StoredEvent): string => `${e.position}\t${e.recordedAt.toISOString()}\t${e.streamId}@${e.revision}\t${e.type}\t${JSON.stringify(e.data)}`;

const write = (output: CliOutput, e: StoredEvent, json: boolean | undefined) => println(output.out, json ? JSON.stringify(toNdjsonEvent(e)) : describeEvent(e));

const position = (label: string, value: string | undefined): bigint | undefined => {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new CliError(`${label}: "${value}" is not a position`);
  return BigInt(value);
};

const instant = (label: string, value: string): Date => {
  const time = new Date(value);
  if (Number.isNaN(time.getTime())) throw new CliError(`${label}: "${value}" is not a date/time`);
  return time;
};

/** `crm events stream <stream-id>`: a stream's events (`customer-<id>`, `loyalty-<id>`, …), oldest first. */
export async function readStreamCommand(streamId: string, options: { fromRevision?: string; limit?: string; json?: boolean }, stores: StoreFactory, output: CliOutput): Promise<number> {
  return withStore(stores, async (store) => {
    const events = await store.readStream(streamId, { fromRevision: Number(options.fromRevision ?? 0), maxCount: options.limit ? Number(options.limit) : undefined });
    if (events.length === 0) println(output.err, `stream ${streamId} is empty or does not exist`);
    for (const e of events) write(output, e, options.json);
    return 0;
  });
}

/**
 * `crm events tail`: the global log as it grows (catch-up, then live), from the head by default,
 * or from a position or time. `--limit` stops after that many events.
 */
export async function tailCommand(
  options: { fromPosition?: string; fromTime?: string; fromStart?: boolean; limit?: string; json?: boolean },
  stores: StoreFactory,
  output: CliOutput,
  stopSignal?: AbortSignal,
): Promise<number> {
  return withStore(stores, async (store) => {
    const since = options.fromStart
      ? 0n
      : (position('--from-position', options.fromPosition) ??
        (options.fromTime !== undefined ? await positionAtTime(store, instant('--from-time', options.fromTime)) : await headPosition(store)));
    const limit = options.limit ? Number(options.limit) : Infinity;
    let seen = 0;
    await new Promise<void>((resolve) => {
      const subscription = store.subscribeToAll(
        { fromPosition: since },
        async (events) => {
          for (const e of events) {
            if (seen >= limit) break;
            write(output, e, options.json);
            seen++;
          }
          if (seen >= limit) stop();
        },
        (error) => println(output.err, `tail: ${error.message}; retrying`),
      );
      const stop = () => {
        process.removeListener('SIGINT', stop);
        void subscription.stop().then(resolve);
      };
      stopSignal?.addEventListener('abort', stop, { once: true });
      process.once('SIGINT', stop);
    });
    return 0;
  });
}

/** `crm events export`: a range of the global log to NDJSON, for offline analysis. */
export async function exportCommand(
  options: { out?: string; after?: string; upTo?: string; untilTime?: string },
  stores: StoreFactory,
  output: CliOutput,
): Promise<number> {
  return withStore(stores, async (store) => {
    const upTo =
      position('--up-to', options.upTo) ?? (options.untilTime !== undefined ? await positionAtTime(store, instant('--until-time', options.untilTime)) : await headPosition(store));
    const target = options.out && options.out !== '-' ? createWriteStream(options.out) : output.out;
    const started = Date.now();
    const count = await exportEvents(store, { after: position('--after', options.after), upTo }, async (lines) => {
      if (!target.write(lines)) await once(target, 'drain');
    });
    if (target !== output.out) {
      (target as NodeJS.WritableStream).end();
      await once(target, 'finish');
    }
    println(output.err, `exported ${count.toLocaleString('en-US')} events up to position ${upTo} in ${((Date.now() - started) / 1000).toFixed(1)} s${options.out && options.out !== '-' ? ` to ${options.out}` : ''}`);
    return 0;
  });
}

/** `crm events import <file>`: restores an export into an EMPTY event store (refuses any other). */
export async function importCommand(file: string, options: { batchSize?: string }, stores: StoreFactory, output: CliOutput): Promise<number> {
  return withStore(stores, async (store) => {
    const reader = createInterface({ input: file === '-' ? process.stdin : createReadStream(file), crlfDelay: Infinity });
    // Take the iterator now: readline emits lines as soon as the file is open, and lines emitted
    // before anyone iterates (the import checks the store first) would be lost.
    const iterator = reader[Symbol.asyncIterator]();
    const lines: AsyncIterable<string> = { [Symbol.asyncIterator]: () => iterator };
    const started = Date.now();
    const result = await importEvents(store, lines, { batchSize: options.batchSize ? Number(options.batchSize) : undefined });
    println(output.out, `imported ${result.events.toLocaleString('en-US')} events in ${result.streams.toLocaleString('en-US')} streams in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return 0;
  });
}

