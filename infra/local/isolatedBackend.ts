// A PostgreSQL database and a RabbitMQ virtual host of their own, each removed afterwards: what the
// tests and the benchmark run on, so that runs never collide with each other or with `npm run dev`.
// The database comes with its jobs' roles (the commands, the relay and /health connect as them, as
// they do everywhere); the virtual host with the topology, and its jobs' users once a stack on it
// has prepared them (prepareLocalBackend), which delete() removes too.
import { randomBytes } from 'node:crypto';
import amqp from 'amqplib';
import pg from 'pg';
import { setupTopology } from '../../functions/operations/brokerTopology.ts';
import { dropDatabaseRoles, grantDatabaseRoles } from '../../functions/operations/databaseGrants.ts';
import { migrateDatabase } from '../../functions/operations/schemaMigrations.ts';
import { localDatabaseRoles } from '../../functions/shared/localCredentials.ts';
import { deleteLocalBrokerUsers, rabbitmqctl } from './localBackend.ts';

/** Virtual hosts are made with rabbitmqctl, so the broker must run on this machine. */
export { rabbitmqctl };

const uniqueName = (prefix: string) =>
  `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;

export interface IsolatedDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** A new, migrated database on the server at `serverUrl` (a URL without a database name). */
export async function createIsolatedDatabase(prefix: string, serverUrl: string): Promise<IsolatedDatabase> {
  const name = uniqueName(prefix);
  const url = `${serverUrl}/${name}`;
  await migrateDatabase(url);
  const roles = localDatabaseRoles(url);
  const owner = new pg.Client({ connectionString: url });
  await owner.connect();
  try {
    await grantDatabaseRoles(owner, roles);
  } finally {
    await owner.end();
  }
  return {
    url,
    name,
    async drop() {
      const admin = new pg.Client({ connectionString: `${serverUrl}/postgres` });
      await admin.connect();
      try {
        await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(name)} WITH (FORCE)`);
        // roles are the server's: they outlive their database
        await dropDatabaseRoles(
          admin,
          Object.values(roles).map((role) => role.username),
        );
      } finally {
        await admin.end();
      }
    },
  };
}

export interface IsolatedVirtualHost {
  url: string;
  vhost: string;
  delete(): Promise<void>;
}

/** A new virtual host with the project's topology on the broker at `brokerUrl` (no vhost in it). */
export async function createIsolatedVirtualHost(
  prefix: string,
  brokerUrl: string,
): Promise<IsolatedVirtualHost> {
  const vhost = uniqueName(prefix);
  const user = decodeURIComponent(new URL(brokerUrl).username) || 'guest';
  await rabbitmqctl('add_vhost', vhost);
  await rabbitmqctl('set_permissions', '-p', vhost, user, '.*', '.*', '.*');
  const url = `${brokerUrl.replace(/\/$/, '')}/${encodeURIComponent(vhost)}`;
  const connection = await amqp.connect(url);
  try {
    await setupTopology(connection);
  } finally {
    await connection.close();
  }
  return {
    url,
    vhost,
    async delete() {
      await rabbitmqctl('delete_vhost', vhost);
      await deleteLocalBrokerUsers(url);
    },
  };
}
