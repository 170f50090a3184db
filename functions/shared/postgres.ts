// The PostgreSQL pool, created once per Lambda container, and the one way to run a transaction.
import pg from 'pg';
import { databaseUrl, loadedOnce, settings } from './config.ts';
import { logger } from './logger.ts';
import { ServiceUnavailableError } from './errors.ts';

// BIGINT ids and positions stay below 2^53, so numbers are safe and simpler than strings.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

export type Sql = pg.PoolClient;

export function createPool(connectionString: string, max = settings.PG_POOL_MAX): pg.Pool {
  const pool = new pg.Pool({
    connectionString,
    max,
    connectionTimeoutMillis: 3_000,
    // a forgotten open transaction would hold back the relay's snapshot rule; never let one linger
    idle_in_transaction_session_timeout: 30_000,
  });
  // an idle client that loses its server must not crash the process; the next query reconnects
  // (message and code only: the error object carries the client, connection parameters included)
  pool.on('error', (error: Error & { code?: string }) =>
    logger.warn('idle PostgreSQL client failed', { reason: error.message, code: error.code }),
  );
  // A checked-out client whose server goes away between two queries (a restart, a failover) emits
  // 'error' with nobody listening, which would crash the process: listen on every client for good.
  // The query in flight still rejects, and the pool discards the broken client when it is released.
  pool.on('connect', (client) =>
    client.on('error', (error: Error & { code?: string }) =>
      logger.warn('PostgreSQL connection lost', { reason: error.message, code: error.code }),
    ),
  );
  return pool;
}

/**
 * The container's pool, created on first use so that importing this file connects to nothing and
 * fetches no secret.
 */
export const postgresPool = loadedOnce(async () => createPool(await databaseUrl()));

const unreachableCodes = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ECONNRESET',
  'EPIPE',
  // the server is shutting down, restarting or not yet accepting connections
  '57P01',
  '57P02',
  '57P03',
  // connection exceptions
  '08000',
  '08001',
  '08003',
  '08006',
]);

function isUnreachable(error: unknown): boolean {
  const code = (error as { code?: string }).code;
  return (
    (code !== undefined && unreachableCodes.has(code)) ||
    (error instanceof Error &&
      /timeout exceeded when trying to connect|Connection terminated|not queryable/.test(error.message))
  );
}

/** Runs `work` in one transaction: committed when it returns, rolled back when it throws. */
export async function inTransaction<T>(work: (sql: Sql) => Promise<T>, pool?: pg.Pool): Promise<T> {
  let client: pg.PoolClient;
  try {
    client = await (pool ?? (await postgresPool())).connect();
  } catch (error) {
    if (isUnreachable(error)) throw new ServiceUnavailableError('the database is unreachable; retry shortly');
    throw error;
  }
  let broken = false;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {
      broken = true;
    });
    if (isUnreachable(error)) throw new ServiceUnavailableError('the database is unreachable; retry shortly');
    throw error;
  } finally {
    client.release(broken);
  }
}
