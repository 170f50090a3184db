// The PostgreSQL pool, created once per Lambda container for the job it does, and the one way to run
// a transaction.
import pg from 'pg';
import { parseIntoClientConfig } from 'pg-connection-string';
import {
  configurationVersion,
  configuredEnvironment,
  databaseConnection,
  loadedOnce,
  settings,
} from './config.ts';
import type { DatabaseJob } from './databaseRoles.ts';
import { logger } from './logger.ts';
import { ServiceUnavailableError } from './errors.ts';
import type { PasswordSource } from './secrets.ts';

// BIGINT ids and positions stay below 2^53, so numbers are safe and simpler than strings.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

export type Sql = pg.PoolClient;

/** SQLSTATE invalid_password: the server refused the password (also for an unknown role). */
const AUTHENTICATION_FAILED = '28P01';

type ConnectCallback = (
  error: Error | undefined,
  client: pg.PoolClient | undefined,
  done: () => void,
) => void;

/**
 * A pool whose every new connection asks `password` for the password (node-postgres calls it per
 * connection), and, when the server refuses it, asks again with `forceFetch` and tries once more: a
 * rotated secret is taken at once, not when the copy in hand expires. Connections already open
 * keep working (PostgreSQL does not end a session when its role's password changes).
 */
class PoolWithPasswordSource extends pg.Pool {
  readonly #password: PasswordSource;

  constructor(config: pg.PoolConfig, password: PasswordSource) {
    super({ ...config, password: () => password() });
    this.#password = password;
  }

  // pool.query() checks out its client through connect(callback), so both forms come here
  override connect(): Promise<pg.PoolClient>;
  override connect(callback: ConnectCallback): void;
  override connect(callback?: ConnectCallback): Promise<pg.PoolClient> | void {
    const connecting = super.connect().catch(async (error: unknown) => {
      if ((error as { code?: string }).code !== AUTHENTICATION_FAILED) throw error;
      logger.warn('PostgreSQL refused the password; fetching the secret again');
      await this.#password({ forceFetch: true });
      return super.connect();
    });
    if (!callback) return connecting;
    connecting.then(
      (client) => callback(undefined, client, () => client.release()),
      (error: Error) => callback(error, undefined, () => undefined),
    );
  }
}

/**
 * A pool on `connectionString`; with `password`, each new connection signs in with what it gives
 * instead of the string's password (the secret's current one, in the cloud).
 */
export function createPool(
  connectionString: string,
  max = settings.PG_POOL_MAX,
  password?: PasswordSource,
): pg.Pool {
  // Nothing here goes into the startup packet beyond the user and the database: RDS Proxy refuses a
  // connection that sends other parameters (statement_timeout, options, ...) there, and a SET would
  // pin the session. The idle-in-transaction timeout the relay's snapshot rule relies on is the
  // database's own (migration 1764810000000_session-timeouts).
  const options: pg.PoolConfig = { max, connectionTimeoutMillis: 3_000 };
  // a connection string's password, even an empty one, would win over the function: parse it here
  const pool = password
    ? new PoolWithPasswordSource({ ...parseIntoClientConfig(connectionString), ...options }, password)
    : new pg.Pool({ connectionString, ...options });
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

/** Each job's pool, with what it was built from: the settings and variables it connects with. */
const pools = new Map<DatabaseJob, { version: number; from: string; pool: () => Promise<pg.Pool> }>();
/** Pools built from settings since given again (`configure`), ended with the others. */
const replaced: (() => Promise<pg.Pool>)[] = [];

const connectionSettings = () => {
  const env = configuredEnvironment();
  return JSON.stringify([
    settings.DATABASE_URL,
    settings.PG_POOL_MAX,
    env.DATABASE_SECRET_ARN,
    env.DATABASE_HOST,
    env.DATABASE_PORT,
    env.DATABASE_NAME,
  ]);
};

/**
 * The container's pool for `job`, signed in as the job's role; created on first use, so that
 * importing this file connects to nothing and fetches no secret. A Lambda does one job; `npm run dev`
 * serves several from one process, each with its own pool. Given another database (`configure`), a
 * test or tool gets a pool on it.
 */
export function postgresPool(job: DatabaseJob): Promise<pg.Pool> {
  const version = configurationVersion();
  let kept = pools.get(job);
  if (kept?.version === version) return kept.pool();
  const from = connectionSettings();
  if (kept?.from === from) {
    kept.version = version;
    return kept.pool();
  }
  if (kept) replaced.push(kept.pool);
  kept = {
    version,
    from,
    pool: loadedOnce(async () => {
      const { url, password } = await databaseConnection(job);
      return createPool(url, settings.PG_POOL_MAX, password);
    }),
  };
  pools.set(job, kept);
  return kept.pool();
}

/** Ends every pool this process opened: a test's cleanup (a Lambda's pool lives as its container). */
export async function closePostgresPools(): Promise<void> {
  const opened = [...replaced.splice(0), ...[...pools.values()].map(({ pool }) => pool)];
  pools.clear();
  await Promise.all(opened.map(async (pool) => (await pool().catch(() => undefined))?.end()));
}

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

/**
 * Runs `work` in one transaction: committed when it returns, rolled back when it throws. On the
 * commands' pool unless given another.
 */
export async function inTransaction<T>(work: (sql: Sql) => Promise<T>, pool?: pg.Pool): Promise<T> {
  let client: pg.PoolClient;
  try {
    client = await (pool ?? (await postgresPool('commands'))).connect();
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
