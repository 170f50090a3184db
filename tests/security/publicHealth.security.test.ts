// The attacker floods the health check. Before, GET /health was public, and each call opened a broker
// connection (signing in with the broker's one user) and ran a PostgreSQL query, from inside the VPC
// with both secrets: a few hundred anonymous calls a second filled the broker's and the database's
// connections, and the commands and the relay failed with them. Now the public check reads only the
// read models' progress from DynamoDB; the deep check answers administrators alone, runs once per few
// seconds per container however often it is asked, and proves the broker answers without signing in.
//
// PostgreSQL and the broker are reached through counting proxies (tests/support/faultProxy.ts), and
// the broker's address carries a user that does not exist: a check that signed in would find it down.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configure } from '../../functions/shared/config.ts';
import { startTestIssuer, type TestIssuer } from '../../infra/local/testIssuer.ts';
import { startFaultProxy, type FaultProxy } from '../support/faultProxy.ts';
import { callHandler, type CallResult } from '../support/lambdaEvents.ts';
import { startTestAws } from '../support/localAwsForTests.ts';
import { createTestBroker, type TestBroker } from '../support/testBroker.ts';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase.ts';
import { countDynamoDbReads, type DynamoDbReads } from '../support/dynamoDbReads.ts';

const CALLS = 200;
/** calls in flight at once: a flood, as many Lambda containers would take it */
const AT_ONCE = 20;
const AUDIENCE = 'security-tests';

type Handler = Parameters<typeof callHandler>[0];
let aws: Awaited<ReturnType<typeof startTestAws>>;
let database: TestDatabase;
let broker: TestBroker;
let issuer: TestIssuer;
let postgresProxy: FaultProxy;
let brokerProxy: FaultProxy;
let publicHealth: Handler;
let reads: DynamoDbReads;

/** `CALLS` calls of `handler`, `AT_ONCE` at a time. */
async function flood(handler: Handler, path: string, headers: Record<string, string> = {}) {
  const results: CallResult[] = [];
  for (let sent = 0; sent < CALLS; sent += AT_ONCE) {
    results.push(
      ...(await Promise.all(
        Array.from({ length: AT_ONCE }, () => callHandler(handler, { method: 'GET', path, headers })),
      )),
    );
  }
  return results;
}

const bearer = async (claims: Record<string, unknown>) => ({
  Authorization: `Bearer ${await issuer.mintToken(claims)}`,
});

beforeAll(async () => {
  [aws, database, broker, issuer] = await Promise.all([
    startTestAws(),
    createTestDatabase('security'),
    createTestBroker('security'),
    startTestIssuer({ audience: AUDIENCE }),
  ]);
  const target = (url: string, port: number) => ({
    host: '127.0.0.1',
    port: Number(new URL(url).port) || port,
  });
  [postgresProxy, brokerProxy] = await Promise.all([
    startFaultProxy(target(database.url, 5432)),
    startFaultProxy(target(broker.url, 5672)),
  ]);
  const brokerUrl = new URL(brokerProxy.urlFor(broker.url));
  brokerUrl.username = 'no-such-user';
  brokerUrl.password = 'wrong';
  configure({
    DATABASE_URL: postgresProxy.urlFor(database.url),
    RABBITMQ_URL: brokerUrl.toString(),
    // signing in on, as on every deployed stage
    AUTH_ISSUER_URL: issuer.url,
    AUTH_AUDIENCE: AUDIENCE,
    PG_POOL_MAX: '4',
  });
  publicHealth = (await import('../../functions/health/handler.ts')).handler;
  reads = countDynamoDbReads((await import('../../functions/shared/aws.ts')).dynamoDb());
});

afterAll(async () => {
  await Promise.all([postgresProxy?.close(), brokerProxy?.close(), issuer?.stop()]);
  await Promise.all([aws?.stop(), database?.drop(), broker?.delete()]);
});

describe('a flood of anonymous GET /health', () => {
  it('opens no PostgreSQL and no broker connection, and reads a few items of DynamoDB a call, eventually consistent', async () => {
    const { allStreams } = await import('../../functions/projectors/streams.ts');
    reads.reset();
    const answers = await flood(publicHealth, '/health');
    console.log(
      `[security] ${CALLS} anonymous GET /health: ${brokerProxy.opened()} broker and ${postgresProxy.opened()} ` +
        `PostgreSQL connections opened, ${reads.get} GetItems (${reads.consistent} consistent), ` +
        `statuses ${[...new Set(answers.map((answer) => answer.statusCode))].join(', ')}`,
    );
    expect({ broker: brokerProxy.opened(), postgres: postgresProxy.opened() }).toEqual({
      broker: 0,
      postgres: 0,
    });
    expect(new Set(answers.map((answer) => answer.statusCode))).toEqual(new Set([200]));
    expect(answers[0]!.body).toMatchObject({ status: 'ok', readModels: { status: 'current' } });
    expect(answers[0]!.body).not.toHaveProperty('dependencies');
    // the stream head and each stream's checkpoint, eventually consistent (half a read unit each),
    // besides which table each projection reads (kept a second per container)
    expect(reads.get - reads.liveTables).toBe(CALLS * (1 + allStreams().length));
    expect(reads.consistent).toBe(reads.liveTables);
  });
});

describe('the deep check, GET /health/dependencies', () => {
  const deepHealth = async (): Promise<Handler> =>
    (await import('../../functions/health/checkDependencies.ts')).handler;

  it('refuses anyone but an administrator, before touching a dependency', async () => {
    const handler = await deepHealth();
    const before = { broker: brokerProxy.opened(), postgres: postgresProxy.opened() };
    const anonymous = await callHandler(handler, { method: 'GET', path: '/health/dependencies' });
    expect([anonymous.statusCode, (anonymous.body as { code: string }).code]).toEqual([401, 'missing_token']);
    const customer = await callHandler(handler, {
      method: 'GET',
      path: '/health/dependencies',
      headers: await bearer({ sub: 'mallory' }),
    });
    expect([customer.statusCode, (customer.body as { code: string }).code]).toEqual([403, 'forbidden']);
    expect(JSON.stringify([anonymous.body, customer.body])).not.toMatch(/\n\s+at /);
    expect({ broker: brokerProxy.opened(), postgres: postgresProxy.opened() }).toEqual(before);
  });

  it('costs one check per container for a flood of administrators’ calls, and needs no broker user', async () => {
    const handler = await deepHealth();
    const before = { broker: brokerProxy.opened(), postgres: postgresProxy.opened() };
    const headers = await bearer({ sub: 'ops', 'cognito:groups': ['admin'] });
    const answers = await flood(handler, '/health/dependencies', headers);
    console.log(
      `[security] ${CALLS} administrators' GET /health/dependencies: ` +
        `${brokerProxy.opened() - before.broker} broker handshakes, ` +
        `${postgresProxy.opened() - before.postgres} PostgreSQL connections`,
    );
    expect(new Set(answers.map((answer) => answer.statusCode))).toEqual(new Set([200]));
    expect(answers[0]!.body).toMatchObject({
      status: 'ok',
      // up, though the broker's address names a user that does not exist: the check never signs in
      dependencies: { postgres: { status: 'up' }, rabbitmq: { status: 'up' }, dynamodb: { status: 'up' } },
      readModels: { status: 'current' },
    });
    // one check, kept: every answer is the same one
    expect(new Set(answers.map((answer) => (answer.body as { checkedAt: string }).checkedAt)).size).toBe(1);
    expect({
      broker: brokerProxy.opened() - before.broker,
      postgres: postgresProxy.opened() - before.postgres,
    }).toEqual({ broker: 1, postgres: 1 });
  });
});
