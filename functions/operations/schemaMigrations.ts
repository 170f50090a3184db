// The write model's schema: versioned SQL migrations (infra/deploy/migrations/) applied by
// node-pg-migrate, after creating the database itself when it does not exist yet.
import { fileURLToPath } from 'node:url';
import { runner } from 'node-pg-migrate';
import pg from 'pg';

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../infra/deploy/migrations', import.meta.url));

/** Creates the database named in `databaseUrl` if it is missing (through the `postgres` database). */
export async function ensureDatabase(databaseUrl: string): Promise<void> {
  const url = new URL(databaseUrl);
  const name = decodeURIComponent(url.pathname.slice(1));
  const admin = new URL(databaseUrl);
  admin.pathname = '/postgres';
  const client = new pg.Client({ connectionString: admin.toString(), connectionTimeoutMillis: 3_000 });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount === 0) await client.query(`CREATE DATABASE ${pg.escapeIdentifier(name)}`);
  } catch (error) {
    // two processes creating the same database at once: the loser finds it there
    if ((error as { code?: string }).code !== '42P04') throw error;
  } finally {
    await client.end();
  }
}

/** Brings the schema up to date; returns the names of the migrations it applied. */
export async function migrateDatabase(
  databaseUrl: string,
  log: (message: string) => void = () => {},
  directory = MIGRATIONS_DIR,
) {
  await ensureDatabase(databaseUrl);
  const applied = await runner({
    databaseUrl,
    dir: directory,
    direction: 'up',
    migrationsTable: 'pgmigrations',
    count: Infinity,
    checkOrder: true,
    log,
    logger: { info: log, warn: log, error: log, debug: () => {} },
  });
  return applied.map((migration) => migration.name);
}
