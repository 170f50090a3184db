// Each fixture replays, through the event log and the relay, into the read models the seeds
// document; replaying twice changes nothing; a bad line stops the CLI before anything is written.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import amqp from 'amqplib';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { readFixture } from '../../events/fixtureFile.ts';
import { configure, configuredEnvironment } from '../../functions/shared/config.ts';
import { callHandler } from '../../tests/support/lambdaEvents.ts';
import { startTestAws } from '../../tests/support/localAwsForTests.ts';
import { createTestBroker, type TestBroker } from '../../tests/support/testBroker.ts';
import { createTestDatabase, type TestDatabase } from '../../tests/support/testDatabase.ts';
import { createReadModelResources, type LocalAws } from '../local/localAws.ts';
import { directPublisher, replayEvents, type ProjectorInvokers } from './replayEvents.ts';

const fixture = (name: string) => fileURLToPath(new URL(`../../events/fixtures/${name}`, import.meta.url));
let aws: LocalAws & { prefix: string };
let broker: TestBroker;
let database: TestDatabase;
let invokers: ProjectorInvokers;

beforeAll(async () => {
  [aws, broker] = await Promise.all([startTestAws(), createTestBroker('replay')]);
});

/**
 * Each fixture is a story of its own: it replays into a fresh event log and fresh read models. New
 * tables, given to fresh modules (a new container's).
 */
let tables = 0;
beforeEach(async () => {
  const prefix = `${aws.prefix}-${++tables}`;
  await database?.drop();
  database = await createTestDatabase('replay');
  await createReadModelResources(prefix, aws);
  configure({ RESOURCE_PREFIX: prefix, DATABASE_URL: database.url });
  vi.resetModules();
  invokers = {
    invoices: async (event) =>
      void (await (await import('../../functions/invoices/projector.ts')).handler(event)),
    analytics: async (event) =>
      void (await (await import('../../functions/analytics/projector.ts')).handler(event)),
    directory: async (event) =>
      void (await (await import('../../functions/directory/projector.ts')).handler(event)),
  };
});

afterAll(async () => {
  await aws?.stop();
  await broker?.delete();
  await database?.drop();
});

async function replayFixture(name: string) {
  const reading = await readFixture(fixture(name));
  if (!reading.ok) throw new Error(JSON.stringify(reading.problems));
  const { createPool } = await import('../../functions/shared/postgres.ts');
  const pool = createPool(database.url, 2);
  try {
    return await replayEvents(pool, reading.events, directPublisher(invokers));
  } finally {
    await pool.end();
  }
}

const get = async (
  modulePath: string,
  path: string,
  pathParameters?: Record<string, string>,
  query?: Record<string, string>,
) => {
  const { handler } = (await import(modulePath)) as { handler: Parameters<typeof callHandler>[0] };
  const event = { method: 'GET', path, ...(pathParameters ? { pathParameters } : {}) };
  return callHandler(
    (request, context) =>
      handler({ ...request, ...(query ? { queryStringParameters: query } : {}) }, context),
    event,
  );
};

describe('fixtures replay into the documented read models', () => {
  it('the invoice demo: April 2025 gives the seed invoice, and a second replay changes nothing', async () => {
    for (const appended of [5, 0]) {
      expect(await replayFixture('invoice-demo-april-2025.ndjson')).toMatchObject({ appended, published: 5 });
      const invoice = await get(
        '../../functions/invoices/query/getInvoices.ts',
        '/invoice-service/invoices',
        undefined,
        {
          user_id: '1',
          month: '4',
          year: '2025',
        },
      );
      expect(invoice.body).toEqual({
        invoice_id: '1-2025-04',
        user_id: 1,
        email: 'alice@demo.com',
        shipping_address: '123 Main St, Cityville, ST 12345',
        invoice_dt: '2025-04-01T00:00:00Z',
        orders: [
          { description: 'Widget', amount: 50, purchase_dt: '2025-04-03T10:15:00.000Z' },
          { description: 'Gadget', amount: 50, purchase_dt: '2025-04-12T16:40:00.000Z' },
          { description: 'Gizmo', amount: 50, purchase_dt: '2025-04-28T08:30:00.000Z' },
        ],
        total: 150,
      });
    }
  });

  it('the analytics testing guide gives its expected figures', async () => {
    await replayFixture('analytics-testing-guide.ndjson');
    const analytics = '../../functions/analytics/query';
    expect((await get(`${analytics}/getProductSales.ts`, '/sales', { id: '1' })).body).toEqual({
      productId: 1,
      totalQuantitySold: 3,
      totalRevenue: 89.97,
      orderCount: 1,
    });
    expect(
      (await get(`${analytics}/getCategoryRevenue.ts`, '/revenue', { category: 'Electronics' })).body,
    ).toEqual({
      category: 'Electronics',
      totalRevenue: 89.97,
      totalOrders: 1,
    });
    expect((await get(`${analytics}/getCustomerLifetimeValue.ts`, '/ltv', { id: '50' })).body).toEqual({
      customerId: 50,
      totalSpent: 89.97,
      orderCount: 1,
      lastOrderDate: '2026-02-11T16:35:00.000Z',
    });
  });

  it('the todo and users story gives the lists the demos show', async () => {
    await replayFixture('todo-and-users.ndjson');
    const directory = '../../functions/directory/query';
    expect((await get(`${directory}/listTodos.ts`, '/todos')).body).toEqual([
      { id: 1, title: 'Learn CQRS', completed: true },
    ]);
    expect((await get(`${directory}/listUsers.ts`, '/users')).body).toEqual([
      { id: 1, first_name: 'Grace', last_name: 'Hopper', email: 'grace@hopper.dev' },
    ]);
  });
});

describe('the replay command', () => {
  const run = promisify(execFile);
  const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
  const cli = (...args: string[]) =>
    run(process.execPath, ['--import', 'tsx', 'infra/operate/replay.ts', ...args], {
      cwd: projectRoot,
      env: {
        ...configuredEnvironment(),
        POWERTOOLS_LOG_LEVEL: 'ERROR',
        RABBITMQ_URL: broker.url,
        DATABASE_URL: database.url,
      },
    });

  async function queueDepth(queue: string) {
    const connection = await amqp.connect(broker.url);
    try {
      const channel = await connection.createChannel();
      return (await channel.checkQueue(queue)).messageCount;
    } finally {
      await connection.close();
    }
  }

  it('reports a bad line with its number and publishes nothing', async () => {
    const lines = (await readFile(fixture('analytics-testing-guide.ndjson'), 'utf8')).trim().split('\n');
    const bad = `${await mkdtemp(`${tmpdir()}/replay-`)}/bad.ndjson`;
    await writeFile(bad, [lines[0], lines[1]!.replace('"quantity": 3', '"quantity": -3')].join('\n'));
    const failure = await cli(bad).then(
      () => undefined,
      (error: { code: number; stderr: string }) => error,
    );
    expect(failure?.code).toBe(1);
    expect(failure?.stderr).toMatch(/bad\.ndjson:2: data\.lines\.0\.quantity: /);
    expect(await queueDepth('analytics')).toBe(0);
  });

  it('appends a good fixture to the event log and publishes it to the broker, once', async () => {
    const { stdout } = await cli(fixture('analytics-testing-guide.ndjson'));
    expect(stdout).toMatch(/replayed 2 event\(s\)/);
    expect(await queueDepth('analytics')).toBe(2);
    const again = await cli(fixture('analytics-testing-guide.ndjson'));
    expect(again.stdout).toMatch(/replayed 0 event\(s\).*2 were in the event log already/);
    expect(await queueDepth('analytics')).toBe(2);
  });
});
