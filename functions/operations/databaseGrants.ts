// What each job's PostgreSQL role may do, and how prepareBackend gives it: after the migrations, as
// the owner, in one transaction. Everything a role held before is revoked first, so the grants are
// always exactly this table's; a table the migrations add is nobody's until it is named here.
// decision 0036, "A role per job".
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import pg from 'pg';
import { databaseJobs, type DatabaseJob } from '../shared/databaseRoles.ts';

/** A table's privileges: `UPDATE (a, b)` grants updating those columns only. */
type Privileges = Record<string, readonly string[]>;

/**
 * Per job, per table, what its statements do (functions/<context>/*Store.ts, the idempotency record,
 * appendEvents; the relay's relayEvents.ts and eventLog.ts). `SELECT … FOR UPDATE` and `FOR SHARE`
 * need UPDATE on a column; an INSERT's RETURNING needs SELECT.
 */
export const tablePrivileges: Record<DatabaseJob, Privileges> = {
  commands: {
    users: ['SELECT', 'INSERT', 'UPDATE (name, first_name, last_name, email, updated_at, deleted_at)'],
    accounts: ['SELECT', 'INSERT'],
    products: ['SELECT', 'INSERT', 'UPDATE (stock)'],
    orders: ['SELECT', 'INSERT'],
    order_lines: ['INSERT'],
    todos: ['SELECT', 'INSERT', 'UPDATE (completed, completed_at, deleted_at)'],
    // a record's answer stored; an expired one taken over whole by a new command (idempotency.ts)
    idempotency_keys: [
      'SELECT',
      'INSERT',
      'UPDATE (request_hash, status_code, response_body, response_headers, created_at)',
    ],
    // appended in the command's transaction, read back for its positions; never changed
    event_log: ['SELECT', 'INSERT'],
  },
  relay: {
    // numbered, then marked published: those two columns, nothing of the event itself
    event_log: ['SELECT', 'UPDATE (sequenced, published_at)'],
    stream_sequences: ['SELECT', 'INSERT'],
    relay_progress: ['SELECT', 'UPDATE'],
    // the one DELETE anyone holds: expired Idempotency-Key records, a bounded purge each minute
    idempotency_keys: ['SELECT', 'DELETE'],
  },
  // connects and answers `SELECT 1`: no table
  health: {},
};

/** The identity columns' sequences the commands draw ids from (nextval: USAGE). */
export const sequencePrivileges: Record<DatabaseJob, readonly string[]> = {
  commands: ['users_id_seq', 'accounts_id_seq', 'products_id_seq', 'orders_id_seq', 'todos_id_seq'],
  relay: [],
  health: [],
};

export interface RoleCredentials {
  username: string;
  password: string;
}

/** Any two prepareBackend runs on one database take turns (a transaction lock: nothing pins). */
const GRANTS_LOCK_KEY = 7_262_022;

const DUPLICATE_OBJECT = '42710';

/**
 * A SCRAM-SHA-256 verifier of `password`, as PostgreSQL stores it: the role is given the verifier,
 * so the password itself never reaches the server, its statement log or pg_stat_activity.
 */
export function scramVerifier(password: string, salt = randomBytes(16), iterations = 4096): string {
  const salted = pbkdf2Sync(password, salt, iterations, 32, 'sha256');
  const clientKey = createHmac('sha256', salted).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest('base64');
  const serverKey = createHmac('sha256', salted).update('Server Key').digest('base64');
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey}:${serverKey}`;
}

const grantStatements = (role: string, job: DatabaseJob) => [
  ...Object.entries(tablePrivileges[job]).map(
    ([table, privileges]) => `GRANT ${privileges.join(', ')} ON ${pg.escapeIdentifier(table)} TO ${role}`,
  ),
  ...sequencePrivileges[job].map(
    (sequence) => `GRANT USAGE ON SEQUENCE ${pg.escapeIdentifier(sequence)} TO ${role}`,
  ),
];

/**
 * Creates each job's role if missing, sets its password, and gives it exactly its privileges on the
 * database `client` is connected to, as that database's owner. Refuses a role that holds more than
 * it may (a superuser, or one that creates roles or databases): nothing here takes those away.
 */
export async function grantDatabaseRoles(
  client: pg.ClientBase,
  roles: Record<DatabaseJob, RoleCredentials>,
): Promise<void> {
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1)', [GRANTS_LOCK_KEY]);
    const database = pg.escapeIdentifier(
      (await client.query<{ name: string }>('SELECT current_database() AS name')).rows[0]!.name,
    );
    // nobody but the owner and the roles below connects, and nobody else creates anything
    await client.query(`REVOKE CONNECT, TEMPORARY ON DATABASE ${database} FROM PUBLIC`);
    await client.query('REVOKE CREATE ON SCHEMA public FROM PUBLIC');
    for (const job of databaseJobs) {
      const { username, password } = roles[job];
      const role = pg.escapeIdentifier(username);
      const passwordClause = pg.escapeLiteral(scramVerifier(password));
      await client.query('SAVEPOINT create_role');
      try {
        await client.query(`CREATE ROLE ${role} LOGIN PASSWORD ${passwordClause}`);
        await client.query('RELEASE SAVEPOINT create_role');
      } catch (error) {
        // there already (made by an earlier run, or one on another database of the server)
        if ((error as { code?: string }).code !== DUPLICATE_OBJECT) throw error;
        await client.query('ROLLBACK TO SAVEPOINT create_role');
        await client.query(`ALTER ROLE ${role} LOGIN PASSWORD ${passwordClause}`);
      }
      const { rows } = await client.query<{ more: boolean }>(
        `SELECT rolsuper OR rolcreaterole OR rolcreatedb OR rolreplication OR rolbypassrls AS more
         FROM pg_roles WHERE rolname = $1`,
        [username],
      );
      if (rows[0]!.more) {
        throw new Error(
          `the role ${username} (${job}) may do more than its job: it must be an ordinary role`,
        );
      }
      await client.query(`REVOKE ALL ON ALL TABLES IN SCHEMA public FROM ${role}`);
      await client.query(`REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM ${role}`);
      await client.query(`REVOKE ALL ON ALL FUNCTIONS IN SCHEMA public FROM ${role}`);
      await client.query(`GRANT CONNECT ON DATABASE ${database} TO ${role}`);
      await client.query(`GRANT USAGE ON SCHEMA public TO ${role}`);
      for (const statement of grantStatements(role, job)) await client.query(statement);
    }
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/**
 * Removes the roles named `usernames` from the server (after their database is dropped, which takes
 * their privileges with it): what a test's or a benchmark's database leaves behind.
 */
export async function dropDatabaseRoles(serverClient: pg.ClientBase, usernames: readonly string[]) {
  for (const username of usernames) {
    await serverClient.query(`DROP ROLE IF EXISTS ${pg.escapeIdentifier(username)}`);
  }
}
