import { Pool, type PoolConfig } from 'pg';

/**
 * A pg Pool that survives a PostgreSQL outage. A connection that dies emits 'error' — on the pool
 * when idle, on the client when checked out — and an unhandled 'error' ends the process. The
 * failing query rejects anyway and the pool replaces dead connections, so both are only noted.
 */
export function outageSafePool(config: PoolConfig): Pool {
  const pool = new Pool(config);
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}
