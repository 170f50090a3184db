// A secret rotated while the functions run: PostgreSQL and RabbitMQ change the password, Secrets
// Manager (a stand-in that answers from a map) holds the new one, and the connections opened after
// that sign in with it, through the same pool and publisher the functions use. PostgreSQL checks
// passwords here through tests/support/passwordCheckingProxy.ts (the machine's server trusts
// loopback); RabbitMQ checks its own.
import { randomBytes } from 'node:crypto';
import amqp from 'amqplib';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { rabbitmqctl } from '../../infra/local/isolatedBackend.ts';
import { startPasswordCheckingProxy } from '../../tests/support/passwordCheckingProxy.ts';
import { secretsManagerStandIn } from '../../tests/support/secretsManagerStandIn.ts';
import { rabbitPublisher } from '../relay/eventPublisher.ts';
import { createPool } from './postgres.ts';
import {
  brokerUrlFromSecret,
  databasePasswordFromSecret,
  secretsManagerSecrets,
  SECRET_MAX_AGE_SECONDS,
} from './secrets.ts';

const SERVER = 'postgres://postgres@127.0.0.1:5432';
const unique = `rotation_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
const newPassword = () => randomBytes(12).toString('base64url');

afterEach(() => {
  vi.useRealTimers();
});

describe('the database password rotated', () => {
  const arn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:rotation-db';
  const env = { DATABASE_SECRET_ARN: arn };
  let admin: pg.Client;
  let proxy: Awaited<ReturnType<typeof startPasswordCheckingProxy>>;
  let password = newPassword();
  const values = new Map<string, string>();
  const rotate = async () => {
    password = newPassword();
    await admin.query(`ALTER ROLE ${pg.escapeIdentifier(unique)} PASSWORD ${pg.escapeLiteral(password)}`);
    values.set(arn, JSON.stringify({ username: unique, password }));
  };

  beforeAll(async () => {
    admin = new pg.Client({ connectionString: `${SERVER}/postgres` });
    await admin.connect();
    // a role of this test's own, on a database of its own; nothing else is touched
    await admin.query(
      `CREATE ROLE ${pg.escapeIdentifier(unique)} LOGIN PASSWORD ${pg.escapeLiteral(password)}`,
    );
    await admin.query(`CREATE DATABASE ${pg.escapeIdentifier(unique)} OWNER ${pg.escapeIdentifier(unique)}`);
    values.set(arn, JSON.stringify({ username: unique, password }));
    proxy = await startPasswordCheckingProxy({
      host: '127.0.0.1',
      port: 5432,
      adminUrl: `${SERVER}/postgres`,
    });
  });

  afterAll(async () => {
    await proxy?.stop();
    await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(unique)} WITH (FORCE)`);
    await admin.query(`DROP ROLE IF EXISTS ${pg.escapeIdentifier(unique)}`);
    await admin.end();
  });

  /** A pool through the proxy; every client it hands out is given back before it ends (a failed check included). */
  async function withPool(
    secrets: ReturnType<typeof secretsManagerStandIn>,
    work: (connect: () => Promise<pg.PoolClient>, pool: pg.Pool) => Promise<void>,
  ) {
    const pool = createPool(
      `postgres://${unique}@127.0.0.1:${proxy.port}/${unique}`,
      4,
      databasePasswordFromSecret(env, secretsManagerSecrets({ client: secrets.client })),
    );
    const checkedOut: pg.PoolClient[] = [];
    try {
      await work(async () => {
        const client = await pool.connect();
        checkedOut.push(client);
        return client;
      }, pool);
    } finally {
      checkedOut.forEach((client) => client.release());
      await pool.end();
    }
  }

  it('is checked: a wrong password is refused with 28P01', async () => {
    const client = new pg.Client({
      connectionString: `postgres://${unique}:wrong@127.0.0.1:${proxy.port}/${unique}`,
    });
    await expect(client.connect()).rejects.toMatchObject({ code: '28P01' });
  });

  it('is taken at once by a new connection: refused with the old one, the secret is fetched again', async () => {
    const secrets = secretsManagerStandIn(values);
    await withPool(secrets, async (connect, pool) => {
      const first = await connect();
      await rotate();
      // a second connection while the first is busy: a new one, opened after the rotation
      const second = await connect();
      expect((await second.query('SELECT current_user AS user')).rows[0].user).toBe(unique);
      // the connection opened before the rotation goes on working
      expect((await first.query('SELECT 1 AS one')).rows[0].one).toBe(1);
      expect(proxy.signIns.slice(-3)).toEqual([
        { user: unique, accepted: true },
        { user: unique, accepted: false },
        { user: unique, accepted: true },
      ]);
      expect(secrets.calls).toEqual([arn, arn]);
      // pool.query takes the same way (it checks out through connect(callback)): with both
      // connections busy, it opens a third
      await rotate();
      expect((await pool.query('SELECT 2 AS two')).rows[0].two).toBe(2);
      expect(proxy.signIns.slice(-2).map((signIn) => signIn.accepted)).toEqual([false, true]);
      expect(secrets.calls).toHaveLength(3);
    });
  });

  it('is taken without a refusal once the copy in hand is older than its maximum age', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const secrets = secretsManagerStandIn(values);
    await withPool(secrets, async (connect) => {
      await connect();
      await rotate();
      vi.advanceTimersByTime((SECRET_MAX_AGE_SECONDS + 1) * 1000);
      const refusedBefore = proxy.signIns.filter((signIn) => !signIn.accepted).length;
      const second = await connect();
      expect((await second.query('SELECT current_user AS user')).rows[0].user).toBe(unique);
      expect(proxy.signIns.filter((signIn) => !signIn.accepted)).toHaveLength(refusedBefore);
      expect(secrets.calls).toEqual([arn, arn]);
    });
  });
});

describe('the broker password rotated', () => {
  const arn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:rotation-mq';
  const env = {
    BROKER_SECRET_ARN: arn,
    BROKER_ENDPOINT: 'amqp://127.0.0.1:5672',
    BROKER_VIRTUAL_HOST: unique,
  };
  const values = new Map<string, string>();
  const queue = 'rotation-check';

  beforeAll(async () => {
    // a user and a virtual host of this test's own
    await rabbitmqctl('add_vhost', unique);
    await rabbitmqctl('add_user', unique, 'first-password');
    await rabbitmqctl('set_permissions', '-p', unique, unique, '.*', '.*', '.*');
    values.set(arn, JSON.stringify({ username: unique, password: 'first-password' }));
    const connection = await amqp.connect(
      await brokerUrlFromSecret(env, async () => JSON.parse(values.get(arn)!)),
    );
    await (await connection.createChannel()).assertQueue(queue);
    await connection.close();
  }, 60_000);

  afterAll(async () => {
    await rabbitmqctl('delete_vhost', unique).catch(() => undefined);
    await rabbitmqctl('delete_user', unique).catch(() => undefined);
  }, 60_000);

  it('is taken when the publisher connects again: refused with the old one, the secret is fetched again', async () => {
    const secrets = secretsManagerStandIn(values);
    const fetchSecret = secretsManagerSecrets({ client: secrets.client });
    const publisher = rabbitPublisher((options) => brokerUrlFromSecret(env, fetchSecret, options), '');
    try {
      expect(await publisher.queueDepth(queue)).toBe(0);
      await rabbitmqctl('change_password', unique, 'second-password');
      values.set(arn, JSON.stringify({ username: unique, password: 'second-password' }));
      // the connection goes away (a broker restart, a failover); the next use connects again
      await publisher.close();
      expect(await publisher.queueDepth(queue)).toBe(0);
      expect(secrets.calls).toEqual([arn, arn]);
    } finally {
      await publisher.close();
    }
  }, 60_000);
});
