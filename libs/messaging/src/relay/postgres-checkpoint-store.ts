import { Pool } from 'pg';
import type { CheckpointStore } from './checkpoint-store';

/** Checkpoints in the same PostgreSQL database as the event store: one row per subscriber. */
export class PostgresCheckpointStore implements CheckpointStore {
  private constructor(private readonly pool: Pool) {}

  static async connect(connectionString: string): Promise<PostgresCheckpointStore> {
    const pool = new Pool({ connectionString, max: 2 });
    await pool.query(
      `CREATE TABLE IF NOT EXISTS subscription_checkpoints (
         name text PRIMARY KEY,
         position bigint NOT NULL,
         updated_at timestamptz NOT NULL DEFAULT now())`,
    );
    return new PostgresCheckpointStore(pool);
  }

  async load(name: string): Promise<bigint | undefined> {
    const { rows } = await this.pool.query<{ position: string }>('SELECT position FROM subscription_checkpoints WHERE name = $1', [name]);
    return rows[0] ? BigInt(rows[0].position) : undefined;
  }

  async save(name: string, position: bigint): Promise<void> {
    // GREATEST: a late, stale save (e.g. from a previous instance) never moves the checkpoint back.
    await this.pool.query(
      `INSERT INTO subscription_checkpoints (name, position) VALUES ($1, $2)
       ON CONFLICT (name) DO UPDATE SET position = GREATEST(subscription_checkpoints.position, EXCLUDED.position), updated_at = now()`,
      [name, position.toString()],
    );
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}
