// Credentials that do only their job, played by an attacker who holds one: a command's PostgreSQL
// role, the relay's and /health's, the relay's broker user and a projection mapping's. Each is taken
// as its job takes it on the local stack (the same roles and users prepareBackend makes in the cloud,
// from the jobs' secrets there): the commands' pool, the relay's broker URL, the credentials the
// queue bridges sign in with. The other tiers show each doing its job; here each tries more.
import amqp, { type ChannelModel } from 'amqplib';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENTS_EXCHANGE, streamsExchange } from '../../functions/operations/brokerTopology.ts';
import { sequenceHeader } from '../../functions/projectors/streams.ts';
import { rabbitPublisher } from '../../functions/relay/eventPublisher.ts';
import { relayEvents } from '../../functions/relay/relayEvents.ts';
import { jobBrokerUrl } from '../../functions/shared/config.ts';
import { localJobBrokerUrl } from '../../functions/shared/localCredentials.ts';
import { prepareLocalBackend } from '../../infra/local/localBackend.ts';
import { loadHandlers } from '../support/handlers.ts';
import { callHandler } from '../support/lambdaEvents.ts';
import { createTestBroker, type TestBroker } from '../support/testBroker.ts';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase.ts';

let database: TestDatabase;
let broker: TestBroker;
let handlers: Awaited<ReturnType<typeof loadHandlers>>;
let owner: pg.Pool;

/** PostgreSQL's insufficient_privilege: "permission denied", "must be owner" */
const INSUFFICIENT_PRIVILEGE = '42501';

beforeAll(async () => {
  [database, broker] = await Promise.all([createTestDatabase('security'), createTestBroker('security')]);
  // what `npm run dev` does at start: the schema, a role per job, the topology, a user per job
  await prepareLocalBackend({ databaseUrl: database.url, brokerUrl: broker.url });
  handlers = await loadHandlers(database.url, { RABBITMQ_URL: broker.url });
  owner = new pg.Pool({ connectionString: database.url, max: 1 });
  owner.on('error', () => undefined);

  // one event in the log, as a command appends it, and published to the directory's queue by the
  // relay, as the relay does it: the two jobs work with what they hold
  const created = await callHandler(handlers.createTodo, {
    method: 'POST',
    path: '/todos',
    body: { title: 'pay rent' },
  });
  expect(created.statusCode).toBe(201);
  const publisher = rabbitPublisher(jobBrokerUrl('relay'), EVENTS_EXCHANGE);
  try {
    expect((await relayEvents(await handlers.postgres.postgresPool('relay'), publisher)).published).toBe(1);
  } finally {
    await publisher.close();
  }
}, 120_000);

afterAll(async () => {
  await owner?.end();
  await handlers?.postgres.closePostgresPools();
  await Promise.all([database?.drop(), broker?.delete()]);
});

const refusedByPostgres = (query: Promise<unknown>) =>
  expect(query).rejects.toMatchObject({ code: INSUFFICIENT_PRIVILEGE });

/** The event log as the owner reads it: what the commands wrote, unchanged. */
const eventLog = async () =>
  (await owner.query<{ type: string; data: unknown }>('SELECT type, data FROM event_log ORDER BY position'))
    .rows;

describe('a command’s PostgreSQL role', () => {
  it('cannot rewrite, delete or empty the event log', async () => {
    const commands = await handlers.postgres.postgresPool('commands');
    await refusedByPostgres(commands.query(`UPDATE event_log SET data = '{"title": "forged"}'`));
    await refusedByPostgres(commands.query('DELETE FROM event_log'));
    await refusedByPostgres(commands.query('TRUNCATE event_log'));
    expect(await eventLog()).toEqual([
      { type: 'todo.created', data: expect.objectContaining({ title: 'pay rent' }) },
    ]);
  });

  it('cannot change the schema, make roles, or reach the relay’s bookkeeping', async () => {
    const commands = await handlers.postgres.postgresPool('commands');
    for (const statement of [
      'CREATE TABLE stolen (secret TEXT)',
      'CREATE TEMPORARY TABLE stolen (secret TEXT)',
      'CREATE SCHEMA stolen',
      'ALTER TABLE event_log ADD COLUMN forged TEXT',
      'DROP TABLE idempotency_keys',
      'CREATE ROLE intruder LOGIN',
      'SELECT * FROM stream_sequences',
      'UPDATE relay_progress SET head_position = 0',
      // a command changes a user's details, never whose the user is
      'UPDATE users SET owner_subject = NULL',
    ]) {
      await refusedByPostgres(commands.query(statement));
    }
  });
});

describe('the relay’s PostgreSQL role', () => {
  it('may mark an event published, and cannot rewrite or delete it', async () => {
    const relay = await handlers.postgres.postgresPool('relay');
    await refusedByPostgres(relay.query(`UPDATE event_log SET data = '{"title": "forged"}'`));
    await refusedByPostgres(relay.query('DELETE FROM event_log'));
    await refusedByPostgres(relay.query('SELECT * FROM users'));
    expect(await eventLog()).toEqual([
      { type: 'todo.created', data: expect.objectContaining({ title: 'pay rent' }) },
    ]);
  });
});

describe('/health’s PostgreSQL role', () => {
  it('connects, and reads nothing', async () => {
    const health = await handlers.postgres.postgresPool('health');
    expect((await health.query('SELECT 1 AS up')).rows).toEqual([{ up: 1 }]);
    await refusedByPostgres(health.query('SELECT * FROM users'));
    await refusedByPostgres(health.query('SELECT * FROM event_log'));
  });
});

/**
 * Runs an AMQP operation on a channel of its own and expects the broker to refuse it: 403
 * (ACCESS-REFUSED), which closes the channel (a refused publish is known only so, from its confirm).
 */
async function refusedByBroker(
  connection: ChannelModel,
  operation: (channel: amqp.ConfirmChannel) => Promise<unknown>,
) {
  const channel = await connection.createConfirmChannel();
  const closedBecause = new Promise<string>((resolve) => {
    channel.on('error', (error: Error) => resolve(error.message));
    channel.on('close', () => resolve('closed without a reason'));
  });
  const outcome = await operation(channel).then(
    () => 'done',
    (error: unknown) => (error instanceof Error ? error.message : String(error)),
  );
  const reason = await Promise.race([
    closedBecause,
    new Promise<string>((resolve) => setTimeout(() => resolve('still open'), 5_000)),
  ]);
  expect(`${outcome}; ${reason}`).toMatch(/403 \(ACCESS[-_]REFUSED\)/);
  await channel.close().catch(() => undefined);
}

const messagesIn = async (queue: string) => {
  const connection = await amqp.connect(broker.url);
  try {
    return (await (await connection.createChannel()).checkQueue(queue)).messageCount;
  } finally {
    await connection.close();
  }
};

describe('the relay’s broker user', () => {
  it('cannot consume a projection’s queue, nor declare or bind a queue to tap the events', async () => {
    const connection = await amqp.connect(await jobBrokerUrl('relay')());
    try {
      await refusedByBroker(connection, (channel) => channel.consume('directory', () => undefined));
      await refusedByBroker(connection, (channel) => channel.assertQueue('tap', { exclusive: true }));
      await refusedByBroker(connection, (channel) => channel.bindQueue('directory', EVENTS_EXCHANGE, '#'));
    } finally {
      await connection.close();
    }
    // the event the relay published waits for the directory's projector
    expect(await messagesIn('directory')).toBe(1);
  });
});

describe('a projection mapping’s broker user', () => {
  /** the next number in the directory's stream: a forgery its projector would take as the real one */
  const forgedUserCreated = {
    content: Buffer.from(
      JSON.stringify({
        eventId: '00000000-0000-4000-8000-000000000001',
        type: 'user.created',
        version: 2,
        position: 1,
        occurredAt: new Date().toISOString(),
        aggregateId: '1',
        correlationId: 'forged',
        data: {
          id: 1,
          name: 'Mallory',
          firstName: 'Mallory',
          lastName: 'M',
          email: 'm@evil.example',
          ownerSubject: 'mallory',
        },
      }),
    ),
    headers: { position: 1, version: 2, [sequenceHeader('directory')]: 2 },
  };

  it('cannot publish: no well-numbered user.created reaches the directory’s queue', async () => {
    // as the directory's mapping signs in (the queue bridge of `npm run dev`; BASIC_AUTH in the cloud)
    const connection = await amqp.connect(localJobBrokerUrl(broker.url, 'directory'));
    try {
      for (const [exchange, routingKey] of [
        [EVENTS_EXCHANGE, 'user.created'],
        [streamsExchange(EVENTS_EXCHANGE), ''],
        ['', 'directory'],
      ] as const) {
        await refusedByBroker(connection, async (channel) => {
          channel.publish(exchange, routingKey, forgedUserCreated.content, {
            persistent: true,
            headers: forgedUserCreated.headers,
          });
          await channel.waitForConfirms();
        });
      }
      // nor consume another projection's queue
      await refusedByBroker(connection, (channel) => channel.consume('invoices', () => undefined));
    } finally {
      await connection.close();
    }
    expect(await messagesIn('directory')).toBe(1);
  });
});
