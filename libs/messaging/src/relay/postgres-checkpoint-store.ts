import type { Pool } from 'pg';
import { outageSafePool } from '@crm/event-store';
import type { CheckpointStore } from './checkpoint-store';

/**
 * Checkpoints beside the event log they point into: a table in the event store's own schema, one
 * row per subscriber. Positions only mean something within one log, so a checkpoint must never be
 * shared between logs (schemas).
 */
export class PostgresCheckpointStore implements CheckpointStore {
  private constructor(
    private readonly pool: Pool,
    private readonly table: string,
  ) {}

  static async connect(connectionString: string, schema: string): Promise<PostgresCheckpointStore> {
    if (!/^[a-z_][a-z0-9_]*$/.test(schema)) throw new Error(`invalid schema name ${schema}`);
    const pool = outageSafePool({ connectionString, max: 2 });
    const table = `${schema}.subscription_checkpoints`;
    try {
      await pool.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      await pool.query(
        `CREATE TABLE IF NOT EXISTS ${table} (
           name text PRIMARY KEY,
           position bigint NOT NULL,
           updated_at timestamptz NOT NULL DEFAULT now())`,
      );
    } catch (error) {
      await pool.end();
      throw error;
    }
    return new PostgresCheckpointStore(pool, table);
  }

  async load(name: string): Promise<bigint | undefined> {
    const { rows } = await this.pool.query<{ position: string }>(`SELECT position FROM ${this.table} WHERE name = $1`, [name]);
    return rows[0] ? BigInt(rows[0].position) : undefined;
  }

  async save(name: string, position: bigint): Promise<void> {
    // GREATEST: a late, stale save (e.g. from a previous instance) never moves the checkpoint back.
    await this.pool.query(
      `INSERT INTO ${this.table} AS c (name, position) VALUES ($1, $2)
       ON CONFLICT (name) DO UPDATE SET position = GREATEST(c.position, EXCLUDED.position), updated_at = now()`,
      [name, position.toString()],
    );
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}
