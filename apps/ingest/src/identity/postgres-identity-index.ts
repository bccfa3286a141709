import type { Pool, PoolClient } from 'pg';
import { outageSafePool } from '@crm/event-store';
import { CoalescingLookup } from './coalescing-lookup';
import { identityKey, type Identity, type IdentityIndex } from './identity';

export interface PostgresIdentityIndexOptions {
  readonly connectionString: string;
  /** Same schema as the event store: the index sits next to the log it indexes. */
  readonly schema: string;
  readonly poolSize?: number;
}

const SCHEMA_PATTERN = /^[a-z_][a-z0-9_]{0,40}$/;
/** Longest merge chain followed (chains are flattened on every merge, so they stay short). */
const MAX_CHAIN = 32;

export function identityMigrationSql(s: string): string {
  return `
CREATE SCHEMA IF NOT EXISTS ${s};
CREATE TABLE IF NOT EXISTS ${s}.identities (
  kind        text        NOT NULL,
  value       text        NOT NULL,
  customer_id text        NOT NULL,
  linked_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (kind, value)
);
CREATE INDEX IF NOT EXISTS identities_customer_id ON ${s}.identities (customer_id);
CREATE TABLE IF NOT EXISTS ${s}.customer_merges (
  merged_id   text        PRIMARY KEY,
  survivor_id text        NOT NULL,
  merged_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX IF NOT EXISTS customer_merges_survivor_id ON ${s}.customer_merges (survivor_id);
`;
}

/** The identity index in PostgreSQL: `<schema>.identities` and `<schema>.customer_merges`. */
export class PostgresIdentityIndex implements IdentityIndex {
  private readonly pool: Pool;
  private readonly s: string;

  private constructor(options: PostgresIdentityIndexOptions) {
    if (!SCHEMA_PATTERN.test(options.schema)) throw new Error(`invalid schema name ${options.schema}`);
    this.s = options.schema;
    this.pool = outageSafePool({ connectionString: options.connectionString, max: options.poolSize ?? 5 });
  }

  /** Connects and creates the tables if they are missing (idempotent, safe to run concurrently). */
  static async connect(options: PostgresIdentityIndexOptions): Promise<PostgresIdentityIndex> {
    const index = new PostgresIdentityIndex(options);
    try {
      await index.transaction(async (client) => {
        await client.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`crm-identity:migrate:${index.s}`]);
        await client.query(identityMigrationSql(index.s));
      });
    } catch (error) {
      await index.close();
      throw error;
    }
    return index;
  }

  async resolve(identity: Identity): Promise<string | null> {
    const key = identityKey(identity);
    const { rows } = await this.pool.query<{ customer_id: string }>(
      `SELECT customer_id FROM ${this.s}.identities WHERE kind = $1 AND value = $2`,
      [key.kind, key.value],
    );
    return rows[0] ? this.survivorOf(rows[0].customer_id) : null;
  }

  async claim(identity: Identity, customerId: string): Promise<string> {
    const key = identityKey(identity);
    const { rows } = await this.pool.query<{ customer_id: string }>(
      `WITH ins AS (
         INSERT INTO ${this.s}.identities (kind, value, customer_id) VALUES ($1, $2, $3)
         ON CONFLICT (kind, value) DO NOTHING RETURNING customer_id)
       SELECT customer_id FROM ins
       UNION ALL SELECT customer_id FROM ${this.s}.identities WHERE kind = $1 AND value = $2 AND NOT EXISTS (SELECT 1 FROM ins)`,
      [key.kind, key.value, customerId],
    );
    // Lost a race with a concurrent claim whose row is not visible to this snapshot yet: ask again.
    return rows[0] ? this.survivorOf(rows[0].customer_id) : ((await this.resolve(identity)) ?? customerId);
  }

  async link(identity: Identity, customerId: string): Promise<string | null> {
    return this.transaction(async (client) => {
      const previous = await this.upsert(client, identity, customerId);
      return previous === null ? null : (await this.survivorsWith(client, [previous])).get(previous) ?? previous;
    });
  }

  async merge(mergedId: string, survivorId: string, identity: Identity): Promise<void> {
    if (mergedId === survivorId) return;
    await this.transaction(async (client) => {
      // Merges are rare: one at a time keeps chains acyclic.
      await client.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`crm-identity:merge:${this.s}`]);
      const current = await this.survivorsWith(client, [mergedId, survivorId]);
      if (current.get(survivorId) === mergedId || current.get(mergedId) === survivorId) return; // would be a cycle, or done
      await client.query(
        `INSERT INTO ${this.s}.customer_merges (merged_id, survivor_id) VALUES ($1, $2) ON CONFLICT (merged_id) DO NOTHING`,
        [mergedId, survivorId],
      );
      // Flatten: customers merged into the merged one now point at the survivor directly.
      await client.query(`UPDATE ${this.s}.customer_merges SET survivor_id = $2 WHERE survivor_id = $1`, [mergedId, survivorId]);
      await client.query(`UPDATE ${this.s}.identities SET customer_id = $2 WHERE customer_id = $1`, [mergedId, survivorId]);
      await this.upsert(client, identity, survivorId);
    });
  }

  /** Shared by concurrent callers: one query per batch of requests (see CoalescingLookup). */
  survivors(customerIds: readonly string[]): Promise<Map<string, string>> {
    return this.survivorLookup.get(customerIds);
  }

  private readonly survivorLookup = new CoalescingLookup<string>((ids) => this.survivorsWith(this.pool, ids));

  async ping(): Promise<void> {
    await this.pool.query('SELECT 1');
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  private async survivorOf(customerId: string): Promise<string> {
    return (await this.survivors([customerId])).get(customerId) ?? customerId;
  }

  private async survivorsWith(client: Pick<PoolClient, 'query'>, customerIds: readonly string[]): Promise<Map<string, string>> {
    const ids = [...new Set(customerIds)];
    const out = new Map(ids.map((id) => [id, id]));
    if (ids.length === 0) return out;
    const { rows } = await client.query<{ start_id: string; survivor_id: string }>(
      `WITH RECURSIVE chain (start_id, id, depth) AS (
         SELECT m.merged_id, m.survivor_id, 1 FROM ${this.s}.customer_merges m WHERE m.merged_id = ANY($1::text[])
         UNION ALL
         SELECT c.start_id, m.survivor_id, c.depth + 1 FROM chain c JOIN ${this.s}.customer_merges m ON m.merged_id = c.id
          WHERE c.depth < ${MAX_CHAIN})
       SELECT DISTINCT ON (start_id) start_id, id AS survivor_id FROM chain ORDER BY start_id, depth DESC`,
      [ids],
    );
    for (const row of rows) out.set(row.start_id, row.survivor_id);
    return out;
  }

  /** Points the identity at the customer; returns the previous owner as stored. */
  private async upsert(client: PoolClient, identity: Identity, customerId: string): Promise<string | null> {
    const key = identityKey(identity);
    const { rows } = await client.query<{ customer_id: string }>(
      `SELECT customer_id FROM ${this.s}.identities WHERE kind = $1 AND value = $2 FOR UPDATE`,
      [key.kind, key.value],
    );
    await client.query(
      `INSERT INTO ${this.s}.identities (kind, value, customer_id) VALUES ($1, $2, $3)
       ON CONFLICT (kind, value) DO UPDATE SET customer_id = EXCLUDED.customer_id, linked_at = now()
       WHERE ${this.s}.identities.customer_id IS DISTINCT FROM EXCLUDED.customer_id`,
      [key.kind, key.value, customerId],
    );
    return rows[0]?.customer_id ?? null;
  }

  private async transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }
}
