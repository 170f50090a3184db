// A few thousand random commands through the whole pipeline (command Lambdas, PostgreSQL, relay,
// RabbitMQ, queue bridges, projector Lambdas, dynalite); then every read model must equal what a
// recomputation from PostgreSQL says, to the cent.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { configuredEnvironment } from '../../../functions/shared/config.ts';
import { loadHandlers } from '../../../tests/support/handlers.ts';
import { callHandler, type CallResult } from '../../../tests/support/lambdaEvents.ts';
import { startTestAws } from '../../../tests/support/localAwsForTests.ts';
import { createTestBroker, type TestBroker } from '../../../tests/support/testBroker.ts';
import { createTestDatabase, type TestDatabase } from '../../../tests/support/testDatabase.ts';
import { startQueueBridge } from '../../local/queueBridge.ts';
import type { LocalAws } from '../../local/localAws.ts';
import { compareReadModel } from './compareReadModels.ts';
import { expectedAnalytics, expectedDirectory, expectedInvoices } from './expectedReadModels.ts';

const COMMANDS = 2_000;
const run = promisify(execFile);
const projectRoot = fileURLToPath(new URL('../../..', import.meta.url));
const CONCURRENCY = 8;

let database: TestDatabase;
let broker: TestBroker;
let aws: LocalAws & { prefix: string };
let handlers: Awaited<ReturnType<typeof loadHandlers>>;
const stops: (() => Promise<void>)[] = [];

beforeAll(async () => {
  [database, broker] = await Promise.all([
    createTestDatabase('consistency'),
    createTestBroker('consistency'),
  ]);
  aws = await startTestAws({ RABBITMQ_URL: broker.url });
  handlers = await loadHandlers(database.url, { PG_POOL_MAX: '10' });
});

afterAll(async () => {
  for (const stop of stops.reverse()) await stop();
  await handlers?.postgres.closePostgresPools();
  await aws?.stop();
  await Promise.all([database?.drop(), broker?.delete()]);
});

function random(seed: number) {
  let state = seed;
  return (below: number) => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state % below;
  };
}

it(`after ${COMMANDS} random commands every read model equals its recomputation from PostgreSQL`, async () => {
  const projectors = {
    invoices: (await import('../../../functions/invoices/projector.ts')).handler,
    analytics: (await import('../../../functions/analytics/projector.ts')).handler,
    directory: (await import('../../../functions/directory/projector.ts')).handler,
  };
  // imported after the test's settings are given, like the handlers (built from them at import)
  const { allStreams } = await import('../../../functions/projectors/streams.ts');
  for (const { name: queue, projection } of allStreams()) {
    const bridge = startQueueBridge({
      rabbitmqUrl: broker.url,
      queue,
      batchSize: 100,
      maximumBatchingWindowMs: 50,
      eventSourceArn: 'arn:aws:mq:us-east-1:000000000000:broker:test',
      invoke: async (event) => void (await projectors[projection](event)),
      log: () => undefined,
    });
    stops.push(() => bridge.stop());
  }
  const { relayEvents } = await import('../../../functions/relay/relayEvents.ts');
  const { readRelayProgress } = await import('../../../functions/relay/eventLog.ts');
  const { rabbitPublisher } = await import('../../../functions/relay/eventPublisher.ts');
  const publisher = rabbitPublisher(broker.url, 'domain-events');
  stops.push(() => publisher.close());
  const pool = await handlers.postgres.postgresPool('relay');
  let relaying = true;
  const relayLoop = (async () => {
    while (relaying) {
      await relayEvents(pool, publisher);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();

  const next = random(7);
  const users: number[] = [];
  const usersWithAccount = new Set<number>();
  const products: number[] = [];
  const todos: number[] = [];
  const statuses = new Map<number, number>();
  const post = (handler: Parameters<typeof callHandler>[0], path: string, body: unknown) =>
    callHandler(handler, { method: 'POST', path, body });
  const withId = (
    handler: Parameters<typeof callHandler>[0],
    method: string,
    path: string,
    id: number,
    body?: unknown,
  ) =>
    callHandler(handler, {
      method,
      path: path.replace('{id}', String(id)),
      pathParameters: { id: String(id) },
      body,
    });
  const pick = (ids: number[]) => ids[next(ids.length)]!;
  const price = () => (1 + next(20_000)) / 100;

  let serial = 0;
  async function oneCommand(): Promise<CallResult> {
    const n = ++serial;
    const roll = next(100);
    if (products.length < 3 || roll < 5) {
      const answer = await post(handlers.createProduct, '/api/products', {
        name: `Product ${n}`,
        category: ['Electronics', 'Home', 'Office', 'Garden'][next(4)],
        price: price(),
        stock: 20 + next(200),
      });
      if (answer.statusCode === 201) products.push((answer.body as { productId: number }).productId);
      return answer;
    }
    if (roll < 40) {
      const items = Array.from({ length: 1 + next(3) }, () => ({
        productId: pick(products),
        quantity: 1 + next(4),
      }));
      return post(handlers.placeCatalogOrder, '/api/orders', {
        customerId: users.length && next(2) ? pick(users) : 500 + next(50),
        items,
      });
    }
    if (roll < 55) {
      const userId = users.length && next(3) ? pick(users) : 900 + next(20);
      return post(handlers.placeServiceOrders, '/order-service/orders', {
        user_id: userId,
        amount: price(),
        description: `Service ${n}`,
      });
    }
    if (users.length < 5 || roll < 63) {
      const answer = next(2)
        ? await post(handlers.createSystemApiUsers, '/system-api/users', {
            name: `User ${n}`,
            email: `user${n}@demo.com`,
          })
        : await post(handlers.registerUser, '/users', {
            first_name: 'User',
            last_name: `${n}`,
            email: `user${n}@demo.com`,
          });
      if (answer.statusCode === 201) users.push((answer.body as { id: number }).id);
      return answer;
    }
    if (roll < 68) {
      return withId(handlers.updateUser, 'PUT', '/users/{id}', pick(users), {
        first_name: 'Renamed',
        last_name: `${n}`,
        email: `renamed${n}@demo.com`,
      });
    }
    if (roll < 70) return withId(handlers.deleteUser, 'DELETE', '/users/{id}', pick(users));
    if (roll < 75) {
      const userId = pick(users);
      if (usersWithAccount.has(userId)) return post(handlers.createTodo, '/todos', { title: `Todo ${n}` });
      usersWithAccount.add(userId);
      return post(handlers.createAccounts, '/system-api/accounts', {
        user_id: userId,
        address1: `${n} Main St`,
        city: 'Cityville',
        state: 'ST',
        zip: '12345',
      });
    }
    if (todos.length < 3 || roll < 85) {
      const answer = await post(handlers.createTodo, '/todos', { title: `Todo ${n}` });
      if (answer.statusCode === 201) todos.push((answer.body as { id: number }).id);
      return answer;
    }
    if (roll < 93) return withId(handlers.completeTodo, 'POST', '/todos/{id}/complete', pick(todos));
    return withId(handlers.deleteTodo, 'DELETE', '/todos/{id}', pick(todos));
  }

  let sent = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (sent < COMMANDS) {
        sent++;
        const answer = await oneCommand();
        statuses.set(answer.statusCode, (statuses.get(answer.statusCode) ?? 0) + 1);
      }
    }),
  );
  // refusals (404 for a deleted user or todo, 409 for stock or a completed todo) are expected; failures are not
  expect([...statuses.keys()].filter((status) => status >= 500)).toEqual([]);
  expect(statuses.get(201)).toBeGreaterThan(COMMANDS / 2);

  // wait until the relay has published everything and every projector has applied all of it
  const { readCheckpoint } = await import('../../../functions/shared/queries/projectionProgress.ts');
  const deadline = Date.now() + 90_000;
  for (;;) {
    const pending = await pool.query('SELECT count(*)::int AS n FROM event_log WHERE published_at IS NULL');
    const progress = await readRelayProgress(pool);
    const streams = allStreams();
    const checkpoints = await Promise.all(streams.map((stream) => readCheckpoint(stream)));
    const caughtUp = streams.every(
      (stream, index) =>
        (checkpoints[index]?.sequence ?? 0) === (progress.publishedSequences[stream.name] ?? 0),
    );
    if (pending.rows[0].n === 0 && caughtUp) break;
    if (Date.now() > deadline) throw new Error(`not caught up: ${JSON.stringify({ progress, checkpoints })}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  relaying = false;
  await relayLoop;

  const { dynamoDb } = await import('../../../functions/shared/aws.ts');
  const table = (name: string) => `${aws.prefix}-${name}`;
  // recomputed as the operator's `npm run check` does, as the database's owner (the relay's role
  // reads the event log, not the write model)
  const owner = handlers.postgres.createPool(database.url, 2);
  stops.push(() => owner.end());
  expect(await compareReadModel(dynamoDb(), table('analytics'), await expectedAnalytics(owner))).toEqual([]);
  expect(await compareReadModel(dynamoDb(), table('invoices'), await expectedInvoices(owner))).toEqual([]);
  expect(await compareReadModel(dynamoDb(), table('directory'), await expectedDirectory(owner))).toEqual([]);

  // the operator's `npm run check` says the same, and catches a tampered item
  const check = () =>
    run(process.execPath, ['--import', 'tsx', 'infra/operate/check.ts'], {
      cwd: projectRoot,
      // the test's configuration, as the operator's would be in the environment
      env: { ...configuredEnvironment(), POWERTOOLS_LOG_LEVEL: 'WARN' },
    }).then(
      ({ stdout }) => ({ code: 0, stdout }),
      (error: { code: number; stdout: string }) => ({ code: error.code, stdout: error.stdout }),
    );
  expect(await check()).toEqual({ code: 0, stdout: 'invoices: exact\nanalytics: exact\ndirectory: exact\n' });
  await dynamoDb().send(
    new UpdateCommand({
      TableName: table('analytics'),
      Key: { pk: `CUSTOMER#500`, sk: 'VALUE' },
      UpdateExpression: 'SET spentCents = spentCents + :cent',
      ExpressionAttributeValues: { ':cent': 1 },
    }),
  );
  const tampered = await check();
  expect(tampered.code).toBe(1);
  expect(tampered.stdout).toMatch(
    /analytics: 1 difference\(s\)\n {2}CUSTOMER#500 VALUE spentCents: expected \d+, found \d+/,
  );
}, 240_000);
