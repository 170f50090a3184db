// Graceful behaviour with PostgreSQL unreachable: commands answer 503 with Retry-After (no stack, no
// hang), queries keep answering from DynamoDB, and the deep health check names the part that is down.
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { LocalAws } from '../../infra/local/localAws.ts';
import { loadHandlers } from '../support/handlers.ts';
import { callHandler } from '../support/lambdaEvents.ts';
import { startTestAws } from '../support/localAwsForTests.ts';
import { createTestBroker, type TestBroker } from '../support/testBroker.ts';

let aws: LocalAws & { prefix: string };
let broker: TestBroker;
let closedPort: number;
let handlers: Awaited<ReturnType<typeof loadHandlers>>;
let getUser: Parameters<typeof callHandler>[0];
let health: Parameters<typeof callHandler>[0];

/** A port that was free a moment ago: connecting to it is refused, as to a stopped PostgreSQL. */
async function refusedPort(): Promise<number> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

beforeAll(async () => {
  [aws, broker, closedPort] = await Promise.all([
    startTestAws(),
    createTestBroker('degraded'),
    refusedPort(),
  ]);
  handlers = await loadHandlers(`postgres://postgres@127.0.0.1:${closedPort}/nowhere`, {
    RABBITMQ_URL: broker.url,
  });
  getUser = (await import('../../functions/directory/query/getUser.ts')).handler;
  health = (await import('../../functions/health/checkDependencies.ts')).handler;
  const { dynamoDb } = await import('../../functions/shared/aws.ts');
  // a user the directory projection already holds
  await dynamoDb().send(
    new PutCommand({
      TableName: `${aws.prefix}-directory`,
      Item: {
        pk: 'USER#7',
        sk: 'USER',
        kind: 'USER',
        id: 7,
        first_name: 'Ada',
        last_name: 'Lovelace',
        name: 'Ada Lovelace',
        email: 'ada@example.com',
        position: 1000,
      },
    }),
  );
});

afterAll(async () => {
  await handlers?.postgres.closePostgresPools();
  await Promise.all([aws?.stop(), broker?.delete()]);
});

it('commands answer 503 with Retry-After while PostgreSQL is unreachable', async () => {
  const started = Date.now();
  const result = await callHandler(handlers.createTodo, {
    method: 'POST',
    path: '/todos',
    body: { title: 'Write tests' },
  });
  expect(result.statusCode).toBe(503);
  expect(result.headers['retry-after']).toMatch(/^\d+$/);
  expect(result.body).toMatchObject({ status: 503, code: 'service_unavailable', detail: expect.any(String) });
  expect(JSON.stringify(result.body)).not.toMatch(/ECONNREFUSED|\bat .+:\d+/);
  // refused at once, well inside the connection timeout
  expect(Date.now() - started).toBeLessThan(3_500);
});

it('queries keep answering from DynamoDB', async () => {
  const result = await callHandler(getUser, {
    method: 'GET',
    path: '/users/7',
    pathParameters: { id: '7' },
  });
  expect(result.statusCode).toBe(200);
  expect(result.body).toMatchObject({ id: 7, email: 'ada@example.com' });
});

it('/health/dependencies says PostgreSQL is down and the rest is up', async () => {
  const result = await callHandler(health, { method: 'GET', path: '/health/dependencies' });
  expect(result.statusCode).toBe(503);
  expect(result.headers['content-type']).toBe('application/problem+json');
  expect(result.body).toMatchObject({
    status: 503,
    code: 'dependency_down',
    detail: 'postgres does not answer',
    dependencies: { postgres: { status: 'down' }, rabbitmq: { status: 'up' }, dynamodb: { status: 'up' } },
  });
  // a network code, a timeout or `unavailable`, never an error's own message (it may name secrets)
  const { error } = (result.body as { dependencies: { postgres: { error: string } } }).dependencies.postgres;
  expect(error).toMatch(/^(E[A-Z]+|unavailable|no answer within \d+ ms)$/);
});
