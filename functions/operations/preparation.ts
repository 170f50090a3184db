// What prepareBackend does, wherever it runs (the Lambda after a deploy, `npm run dev` at each start,
// the tests' and the benchmark's stacks): as the owner and the administrator, the schema migrations
// and each job's PostgreSQL role with exactly its privileges, then the broker topology and each
// job's broker user with exactly its permissions. Idempotent: run it again and nothing changes but
// the passwords, which are set to what the credentials say each time (how a new one is taken).
import amqp from 'amqplib';
import pg from 'pg';
import type { BrokerJob } from '../shared/brokerUsers.ts';
import { virtualHostOf } from '../shared/brokerUsers.ts';
import type { DatabaseJob } from '../shared/databaseRoles.ts';
import { brokerDefinitions, type ImportDefinitions } from './brokerPermissions.ts';
import { setupTopology } from './brokerTopology.ts';
import { grantDatabaseRoles } from './databaseGrants.ts';
import { MIGRATIONS_DIR, migrateDatabase } from './schemaMigrations.ts';

interface Credentials {
  username: string;
  password: string;
}

export interface BackendPreparation {
  /** the owner's connection string: the migrations and the grants run as the owner */
  databaseUrl: string;
  /** each database job's role: its name and password */
  roles: Record<DatabaseJob, Credentials>;
  /** the administrator's connection string, on the virtual host the stack uses */
  brokerUrl: string;
  /** each broker job's user: its name and password */
  users: Record<BrokerJob, Credentials>;
  /** how the users reach the broker (its management API, or rabbitmqctl on this machine) */
  importDefinitions: ImportDefinitions;
  exchange: string;
  migrationsDirectory?: string;
  log?: (message: string) => void;
}

/** Returns the names of the migrations it applied. */
export async function prepareBackend(preparation: BackendPreparation): Promise<{ migrations: string[] }> {
  const { log = () => undefined } = preparation;
  const migrations = await migrateDatabase(
    preparation.databaseUrl,
    log,
    preparation.migrationsDirectory ?? MIGRATIONS_DIR,
  );
  const owner = new pg.Client({ connectionString: preparation.databaseUrl, connectionTimeoutMillis: 3_000 });
  await owner.connect();
  try {
    await grantDatabaseRoles(owner, preparation.roles);
  } finally {
    await owner.end();
  }
  log(
    `database roles ready: ${Object.values(preparation.roles)
      .map((role) => role.username)
      .join(', ')}`,
  );

  const connection = await amqp.connect(preparation.brokerUrl);
  try {
    await setupTopology(connection, preparation.exchange, log);
  } finally {
    await connection.close();
  }
  await preparation.importDefinitions(
    brokerDefinitions(virtualHostOf(preparation.brokerUrl), preparation.exchange, preparation.users),
  );
  log(
    `broker users ready: ${Object.values(preparation.users)
      .map((user) => user.username)
      .join(', ')}`,
  );
  return { migrations };
}
