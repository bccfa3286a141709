import { DatabaseError, type Pool, type PoolClient } from 'pg';
import { IdempotencyConflictError, WrongExpectedRevisionError } from '../event-store.errors';
import { outageSafePool } from './outage-safe-pool';
import type {
  AppendOptions,
  AppendOutcome,
  AppendRequest,
  AppendResult,
  EventStore,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  StoredEvent,
  SubscribeToAllOptions,
  Subscription,
  SubscriptionHandler,
} from '../event-store.port';
import { startPollingSubscription, trackSubscription } from '../internal/polling-subscription';
import { validateNewEvents } from '../internal/new-event-validation';
import { PgNotificationListener } from './pg-notification-listener';
import { EVENT_COLUMNS, type EventRow, toStoredEvent } from './postgres-event-row';
import { SCHEMA_NAME_PATTERN, lockKey, migrationSql, notificationChannel } from './postgres-schema';

export interface PostgresEventStoreOptions {
  connectionString: string;
  /** Pool size for appends and reads; subscriptions share one extra LISTEN connection. */
  poolSize?: number;
  /** Schema holding the tables; default `event_store`. */
  schema?: string;
}

interface AppendManyRow {
  ord: number;
  positions: string[] | null;
  next_revision: number | null;
  duplicate: boolean | null;
  error_code: string | null;
  error_detail: string | null;
}

interface AppendRow {
  positions: string[];
  next_revision: number;
  duplicate: boolean;
}

export class PostgresEventStore implements EventStore {
  private readonly pool: Pool;
  private readonly schema: string;
  private readonly listener: PgNotificationListener;
  private readonly subscriptions = new Set<Subscription>();

  /** Creates the store and runs the idempotent migration. */
  static async connect(options: PostgresEventStoreOptions): Promise<PostgresEventStore> {
    const store = new PostgresEventStore(options);
    try {
      await store.migrate();
    } catch (err) {
      await store.close();
      throw err;
    }
    return store;
  }

  constructor(options: PostgresEventStoreOptions) {
    this.schema = options.schema ?? 'event_store';
    if (!SCHEMA_NAME_PATTERN.test(this.schema)) throw new Error(`Invalid event store schema name: ${this.schema}`);
    this.pool = outageSafePool({
      connectionString: options.connectionString,
      max: options.poolSize ?? 10,
      application_name: 'crm-event-store',
    });
    this.listener = new PgNotificationListener(options.connectionString, notificationChannel(this.schema));
  }

  async migrate(): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      // Several service instances may start at once; CREATE ... IF NOT EXISTS alone races.
      await client.query(`SELECT pg_advisory_xact_lock(${lockKey(this.schema, 'migrate')})`);
      await client.query(migrationSql(this.schema));
      await client.query('COMMIT');
    } catch (err) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw err;
    } finally {
      client.release();
    }
  }

  async appendToStream(streamId: string, events: NewEvent[], options: AppendOptions = {}): Promise<AppendResult> {
    validateNewEvents(streamId, events);
    const expected = options.expectedRevision ?? 'any';
    const [kind, revision] = typeof expected === 'number' ? ['exact', expected] : [expected, null];
    const payload = JSON.stringify(
      events.map((e) => ({ eventId: e.eventId, type: e.type, data: e.data, metadata: e.metadata ?? {} })),
    );
    const sql = `SELECT positions, next_revision, duplicate FROM ${this.schema}.append_to_stream($1, $2, $3, $4)`;

    for (let attempt = 1; ; attempt++) {
      try {
        const rows = await this.withClient((c) => c.query<AppendRow>(sql, [streamId, payload, kind, revision]));
        const row = rows.rows[0];
        return {
          nextExpectedRevision: row.next_revision,
          positions: row.positions.map((p) => BigInt(p)),
          duplicate: row.duplicate,
        };
      } catch (err) {
        if (!(err instanceof DatabaseError)) throw err;
        if (err.code === 'ESWER') {
          const actual = Number(err.detail);
          throw new WrongExpectedRevisionError(streamId, expected, actual === -1 ? 'no_stream' : actual);
        }
        if (err.code === 'ESIDC') {
          throw new IdempotencyConflictError(streamId, events.map((e) => e.eventId), err.detail ?? err.message);
        }
        // A concurrent append (to another stream) committed one of our ids first. Running again
        // classifies it: duplicate or conflict, through the function's id check.
        if (err.code === '23505' && err.constraint === 'events_event_id_key' && attempt === 1) continue;
        throw err;
      }
    }
  }

  /** One transaction for all streams (see `append_many`): the group-commit path of ingest. */
  async appendToStreams(requests: AppendRequest[]): Promise<AppendOutcome[]> {
    if (requests.length === 0) return [];
    requests.forEach((r) => validateNewEvents(r.streamId, r.events));
    const payload = JSON.stringify(
      requests.map((r) => {
        const expected = r.expectedRevision ?? 'any';
        return {
          streamId: r.streamId,
          events: r.events.map((e) => ({ eventId: e.eventId, type: e.type, data: e.data, metadata: e.metadata ?? {} })),
          expectedKind: typeof expected === 'number' ? 'exact' : expected,
          expectedRevision: typeof expected === 'number' ? expected : null,
        };
      }),
    );
    const { rows } = await this.withClient((c) =>
      c.query<AppendManyRow>(
        `SELECT ord, positions, next_revision, duplicate, error_code, error_detail FROM ${this.schema}.append_many($1)`,
        [payload],
      ),
    );
    const outcomes: AppendOutcome[] = new Array(requests.length);
    const retries: number[] = [];
    for (const row of rows) {
      const i = row.ord - 1;
      const request = requests[i];
      if (row.error_code === null) {
        outcomes[i] = {
          ok: true,
          result: { nextExpectedRevision: row.next_revision!, positions: row.positions!.map((p) => BigInt(p)), duplicate: row.duplicate! },
        };
      } else if (row.error_code === 'ESWER') {
        const actual = Number(row.error_detail);
        outcomes[i] = {
          ok: false,
          error: new WrongExpectedRevisionError(request.streamId, request.expectedRevision ?? 'any', actual === -1 ? 'no_stream' : actual),
        };
      } else if (row.error_code === 'ESIDC') {
        outcomes[i] = {
          ok: false,
          error: new IdempotencyConflictError(request.streamId, request.events.map((e) => e.eventId), row.error_detail ?? ''),
        };
      } else {
        retries.push(i); // a concurrent writer committed one of these ids first: classify it alone
      }
    }
    for (const i of retries) {
      outcomes[i] = await this.appendToStream(requests[i].streamId, requests[i].events, { expectedRevision: requests[i].expectedRevision }).then(
        (result): AppendOutcome => ({ ok: true, result }),
        (error: Error): AppendOutcome => ({ ok: false, error }),
      );
    }
    return outcomes;
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<StoredEvent[]> {
    // No xid filter needed: one stream's appends are serialized by its row lock, so its
    // revisions never become visible out of order.
    const result = await this.pool.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM ${this.schema}.events e
        WHERE e.stream_id = $1 AND e.revision >= $2 ORDER BY e.revision LIMIT $3`,
      [streamId, options.fromRevision ?? 0, options.maxCount ?? null],
    );
    return result.rows.map(toStoredEvent);
  }

  async readAll(options: ReadAllOptions = {}): Promise<StoredEvent[]> {
    return (await this.readAllSafe(options.fromPosition, options.maxCount)).events;
  }

  /**
   * Reads after `from`, stopping at the first row whose transaction is not older than the
   * snapshot's xmin (see postgres-schema.ts): such a row may still have an in-flight
   * predecessor, so delivering it could let a reader checkpoint past an event not yet visible.
   * `blocked` tells the subscription to poll fast until that transaction finishes.
   */
  private async readAllSafe(from: bigint | undefined, maxCount: number | undefined) {
    const result = await this.pool.query<EventRow & { safe: boolean }>(
      `SELECT ${EVENT_COLUMNS}, e.tx_id < snap.xmin AS safe
         FROM (SELECT pg_snapshot_xmin(pg_current_snapshot()) AS xmin) snap, ${this.schema}.events e
        WHERE e.position > $1 ORDER BY e.position LIMIT $2`,
      [(from ?? 0n).toString(), maxCount ?? null],
    );
    const firstUnsafe = result.rows.findIndex((r) => !r.safe);
    const rows = firstUnsafe === -1 ? result.rows : result.rows.slice(0, firstUnsafe);
    return { events: rows.map(toStoredEvent), blocked: firstUnsafe !== -1 };
  }

  subscribeToAll(
    options: SubscribeToAllOptions,
    handler: SubscriptionHandler,
    onError?: (err: Error) => void,
  ): Subscription {
    const source = {
      readBatch: (from: bigint | undefined, maxCount: number) => this.readAllSafe(from, maxCount),
      onWake: (wake: () => void) => this.listener.add(wake, onError),
    };
    const inner = startPollingSubscription(source, options.fromPosition, handler, onError, {
      batchSize: 500,
      idlePollMs: 1000,
      blockedPollMs: 100,
      maxBackoffMs: 5000,
    });
    return trackSubscription(this.subscriptions, inner);
  }

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  async close(): Promise<void> {
    await Promise.all([...this.subscriptions].map((s) => s.stop()));
    await this.listener.close();
    await this.pool.end();
  }

  private async withClient<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      const result = await work(client);
      client.release();
      return result;
    } catch (err) {
      // Destroy the session on anything unexpected: if a statement died inside the append
      // function's allocation section, the session-level lock must not survive in the pool.
      client.release(!(err instanceof DatabaseError && /^ES/.test(err.code ?? '')));
      throw err;
    }
  }
}
