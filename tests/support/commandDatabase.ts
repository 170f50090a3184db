// The set-up of a test file that runs the command handlers on the real PostgreSQL: a fresh database,
// the handlers pointed at it, and a small pool of the test's own to read back what they wrote.
import pg from 'pg';
import { loadHandlers } from './handlers.ts';
import { createTestDatabase } from './testDatabase.ts';

export type CommandHandlers = Awaited<ReturnType<typeof loadHandlers>>;

export interface CommandDatabase {
  handlers: CommandHandlers;
  sql: pg.Pool;
  /** ends the pools and drops the database (a `beforeAll` may return it as its teardown) */
  close(): Promise<void>;
}

/** `env`: settings for the handlers besides the database's, e.g. a bigger PG_POOL_MAX */
export async function openCommandDatabase(
  prefix: string,
  env: Record<string, string> = {},
): Promise<CommandDatabase> {
  const database = await createTestDatabase(prefix);
  let handlers: CommandHandlers | undefined;
  let sql: pg.Pool | undefined;
  const close = async () => {
    await sql?.end();
    await handlers?.postgres.closePostgresPools();
    await database.drop();
  };
  try {
    handlers = await loadHandlers(database.url, env);
    sql = new pg.Pool({ connectionString: database.url, max: 2 });
    // dropping the database at the end ends its idle connections
    sql.on('error', () => undefined);
    return { handlers, sql, close };
  } catch (error) {
    await close();
    throw error;
  }
}
