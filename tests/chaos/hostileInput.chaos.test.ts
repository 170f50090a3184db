// Hostile and bad input against every command, on the real PostgreSQL: whatever arrives, the answer is
// a clear 4xx naming what is wrong (never a 5xx, never a stack trace), nothing is written, and the
// service keeps serving. Property-based (fast-check): `npm run test:chaos` runs many cases,
// `npm test` a short run (CHAOS_PROFILE=short).
import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalAws } from '../../infra/local/localAws.ts';
import { loadHandlers } from '../support/handlers.ts';
import { startTestAws } from '../support/localAwsForTests.ts';
import { callHandler, type CallResult } from '../support/lambdaEvents.ts';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase.ts';

const RUNS = process.env.CHAOS_PROFILE === 'short' ? 40 : 400;

let database: TestDatabase;
let aws: LocalAws;
let listRoutes: [string, Handler][];
let handlers: Awaited<ReturnType<typeof loadHandlers>>;
let sql: pg.Pool;
let userId: number;
let productId: number;

beforeAll(async () => {
  [database, aws] = await Promise.all([createTestDatabase('hostile'), startTestAws()]);
  handlers = await loadHandlers(database.url);
  // loaded after startTestAws: a handler reads its settings when it is built, at import
  listRoutes = [
    ['/system-api/users', (await import('../../functions/directory/query/listSystemApiUsers.ts')).handler],
    ['/users', (await import('../../functions/directory/query/listUsers.ts')).handler],
    ['/system-api/accounts', (await import('../../functions/directory/query/listAccounts.ts')).handler],
    ['/order-service/orders', (await import('../../functions/directory/query/listServiceOrders.ts')).handler],
    ['/todos', (await import('../../functions/directory/query/listTodos.ts')).handler],
  ];
  sql = new pg.Pool({ connectionString: database.url, max: 2 });
  sql.on('error', () => undefined);
  const user = await callHandler(handlers.registerUser, {
    method: 'POST',
    path: '/users',
    body: { first_name: 'Ada', last_name: 'Lovelace', email: 'ada@example.com' },
  });
  userId = (user.body as { id: number }).id;
  const product = await callHandler(handlers.createProduct, {
    method: 'POST',
    path: '/api/products',
    body: { name: 'Pen', category: 'Office', price: 1.5, stock: 1_000_000 },
  });
  productId = (product.body as { productId: number }).productId;
});

afterAll(async () => {
  await sql?.end();
  await handlers?.postgres.closePostgresPools();
  await Promise.all([database?.drop(), aws?.stop()]);
});

type Handler = Parameters<typeof callHandler>[0];

interface CommandRoute {
  route: string;
  handler: () => Handler;
  path: () => string;
  pathParameters?: () => Record<string, string>;
  /** a body this route accepts */
  valid: () => Record<string, unknown>;
}

let unique = 0;
const commandRoutes: CommandRoute[] = [
  {
    route: 'POST /system-api/users',
    handler: () => handlers.createSystemApiUsers,
    path: () => '/system-api/users',
    valid: () => ({ name: 'Grace Hopper', email: `grace${++unique}@example.com` }),
  },
  {
    route: 'POST /users',
    handler: () => handlers.registerUser,
    path: () => '/users',
    valid: () => ({ first_name: 'Grace', last_name: 'Hopper', email: `hopper${++unique}@example.com` }),
  },
  {
    route: 'PUT /users/{id}',
    handler: () => handlers.updateUser,
    path: () => `/users/${userId}`,
    pathParameters: () => ({ id: String(userId) }),
    valid: () => ({ first_name: 'Ada', last_name: 'King', email: 'ada@example.com' }),
  },
  {
    route: 'POST /system-api/accounts',
    handler: () => handlers.createAccounts,
    path: () => '/system-api/accounts',
    valid: () => ({ user_id: userId, address1: '1 Main St', city: 'Cityville', state: 'ST', zip: '12345' }),
  },
  {
    route: 'POST /order-service/orders',
    handler: () => handlers.placeServiceOrders,
    path: () => '/order-service/orders',
    valid: () => ({ user_id: userId, amount: 12.5, description: 'Widget' }),
  },
  {
    route: 'POST /api/orders',
    handler: () => handlers.placeCatalogOrder,
    path: () => '/api/orders',
    valid: () => ({ customerId: userId, items: [{ productId, quantity: 1, price: 1.5 }] }),
  },
  {
    route: 'POST /api/products',
    handler: () => handlers.createProduct,
    path: () => '/api/products',
    valid: () => ({ name: 'Ink', category: 'Office', price: 2.25, stock: 10 }),
  },
  {
    route: 'POST /todos',
    handler: () => handlers.createTodo,
    path: () => '/todos',
    valid: () => ({ title: 'Write tests' }),
  },
];

/** Every table a command writes, with its row count: a refused request must change none. */
async function rowCounts(): Promise<Record<string, number>> {
  const { rows } = await sql.query<{ table: string; count: number }>(
    `SELECT 'event_log' AS table, count(*)::int AS count FROM event_log
     UNION ALL SELECT 'users', count(*)::int FROM users
     UNION ALL SELECT 'accounts', count(*)::int FROM accounts
     UNION ALL SELECT 'orders', count(*)::int FROM orders
     UNION ALL SELECT 'products', count(*)::int FROM products
     UNION ALL SELECT 'todos', count(*)::int FROM todos
     UNION ALL SELECT 'stock', coalesce(sum(stock), 0)::int FROM products`,
  );
  return Object.fromEntries(rows.map((row) => [row.table, row.count]));
}

function send(
  route: CommandRoute,
  call: { body?: unknown; rawBody?: string; headers?: Record<string, string> },
) {
  return callHandler(route.handler(), {
    method: route.route.split(' ')[0]!,
    path: route.path(),
    ...(route.pathParameters ? { pathParameters: route.pathParameters() } : {}),
    ...call,
  });
}

/** A clear refusal: 4xx problem details with a code and detail, a field when it is a validation error. */
function expectRefused(result: CallResult, statuses: number[] = [400, 404, 409, 413, 415, 422]) {
  expect(statuses, JSON.stringify(result.body)).toContain(result.statusCode);
  const error = result.body as { status: number; code: string; detail: string; field?: string };
  expect(result.headers['content-type']).toBe('application/problem+json');
  expect(error.status).toBe(result.statusCode);
  expect(error.code).toEqual(expect.any(String));
  expect(error.detail).toEqual(expect.any(String));
  expect(JSON.stringify(result.body)).not.toMatch(/\bat .+\.(ts|js|mjs):\d+/);
  if (error.code === 'validation_failed') expect(error.field).toEqual(expect.any(String));
}

/** Refused and nothing written; then the same route still accepts a good request. */
async function expectRefusedAndUnchanged(
  route: CommandRoute,
  call: Parameters<typeof send>[1],
  statuses?: number[],
) {
  const before = await rowCounts();
  expectRefused(await send(route, call), statuses);
  expect(await rowCounts()).toEqual(before);
}

const SQL_METACHARACTERS = [
  "'; DROP TABLE users; --",
  "' OR '1'='1",
  '"; SELECT pg_sleep(5); --',
  '\\',
  '%_',
  '$1',
  '/* */',
];
const UNICODE_EDGES = ['Zoë', 'Ünïcödé', '漢字', '🙂👍🏽', 'e\u0301', 'ﬀ', '\u200b', 'R\u200fTL'];

/** Values of every JSON kind that fit no field of any command where they are put. */
const hostileValue = fc.oneof(
  fc.constantFrom(
    null,
    true,
    -1,
    0,
    1.5,
    -0.01,
    1.234,
    2 ** 53,
    2 ** 63,
    Number.MAX_VALUE,
    '',
    '   ',
    'x'.repeat(10_000),
    '\u0000',
    '\ud800',
    'line\nbreak',
    '1e400',
    '12.345',
    '-5',
    [],
    {},
  ),
  fc.array(fc.jsonValue(), { minLength: 1, maxLength: 3 }),
  fc.dictionary(fc.string(), fc.jsonValue(), { minKeys: 1, maxKeys: 3 }),
);

describe.each(commandRoutes)('$route', (route) => {
  it('answers a good request (the baseline the properties depart from)', async () => {
    const result = await send(route, { body: route.valid() });
    expect(result.statusCode, JSON.stringify(result.body)).toBeLessThan(300);
  });

  it('refuses any JSON that is not a body it takes, and writes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue({ maxDepth: 4 }), async (body) => {
        const before = await rowCounts();
        const result = await send(route, { body });
        expect(result.statusCode).toBeLessThan(500);
        if (result.statusCode >= 400) {
          expectRefused(result);
          expect(await rowCounts()).toEqual(before);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('refuses a good body with one field made hostile, naming the field, and writes nothing', async () => {
    const fields = Object.keys(route.valid());
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...fields), hostileValue, async (field, value) => {
        const body = { ...route.valid(), [field]: value };
        const before = await rowCounts();
        const result = await send(route, { body });
        // a few hostile values are still valid somewhere (0 stock, a 12.345 string as a name)
        if (result.statusCode < 300) return;
        expectRefused(result);
        expect(await rowCounts()).toEqual(before);
      }),
      { numRuns: RUNS },
    );
  });

  it('refuses unknown fields, naming them', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.string({ minLength: 1 }).filter((name) => !(name in route.valid()) && name !== '__proto__'),
        fc.jsonValue(),
        async (name, value) => {
          const before = await rowCounts();
          const result = await send(route, { body: { ...route.valid(), [name]: value } });
          expectRefused(result, [400]);
          expect(await rowCounts()).toEqual(before);
        },
      ),
      { numRuns: Math.ceil(RUNS / 4) },
    );
  });

  it('refuses malformed JSON, a wrong content type, a huge body and deep nesting', async () => {
    await expectRefusedAndUnchanged(route, { rawBody: '{"unterminated": ' }, [400]);
    await expectRefusedAndUnchanged(route, { rawBody: '{"a":1}{"b":2}' }, [400]);
    await expectRefusedAndUnchanged(
      route,
      { body: route.valid(), headers: { 'content-type': 'text/plain' } },
      [415],
    );
    await expectRefusedAndUnchanged(route, { rawBody: JSON.stringify({ pad: 'x'.repeat(300_000) }) }, [413]);
    await expectRefusedAndUnchanged(route, { rawBody: '['.repeat(100_000) + ']'.repeat(100_000) }, [400]);
    const deep = `${'{"a":'.repeat(5_000)}1${'}'.repeat(5_000)}`;
    await expectRefusedAndUnchanged(route, { rawBody: deep }, [400]);
    expect((await send(route, { body: route.valid() })).statusCode).toBeLessThan(300);
  });
});

describe('strings are data, never SQL or markup', () => {
  it('stores SQL metacharacters and Unicode text exactly as sent', async () => {
    for (const title of [...SQL_METACHARACTERS, ...UNICODE_EDGES.filter((value) => value.trim())]) {
      const result = await callHandler(handlers.createTodo, {
        method: 'POST',
        path: '/todos',
        body: { title },
      });
      expect(result.statusCode, title).toBe(201);
      const { rows } = await sql.query('SELECT title FROM todos WHERE id = $1', [
        (result.body as { id: number }).id,
      ]);
      expect(rows[0].title).toBe(title.trim());
    }
    // the tables are all still there
    expect(await rowCounts()).toMatchObject({ users: expect.any(Number), todos: expect.any(Number) });
  });

  it('refuses text that is not valid Unicode or holds control characters', async () => {
    const todos = commandRoutes.find((route) => route.route === 'POST /todos')!;
    for (const title of ['\ud800', 'a\udc00b', 'nul\u0000', 'bell\u0007', 'line\u2028separator']) {
      await expectRefusedAndUnchanged(todos, { body: { title } }, [400]);
    }
  });
});

describe('amounts and quantities', () => {
  const catalogOrder = commandRoutes.find((route) => route.route === 'POST /api/orders')!;
  const serviceOrder = commandRoutes.find((route) => route.route === 'POST /order-service/orders')!;

  it('refuses negative, fractional, zero, huge and non-numeric quantities', async () => {
    // as JSON text: 1e400 parses to Infinity, which no JavaScript literal can spell
    for (const quantity of ['-1', '0', '1.5', '2147483648', '9007199254740993', '"1"', 'null', '1e400']) {
      await expectRefusedAndUnchanged(catalogOrder, {
        rawBody: `{"customerId":${userId},"items":[{"productId":${productId},"quantity":${quantity}}]}`,
      });
    }
  });

  it('refuses amounts below zero, with more than two decimals, or beyond what cents can hold', async () => {
    for (const amount of [-0.01, 1.234, '12.345', 1e16, '1e3', 'NaN', true, '']) {
      await expectRefusedAndUnchanged(serviceOrder, { body: { ...serviceOrder.valid(), amount } });
    }
  });
});

describe('list queries', () => {
  it('refuse SQL metacharacters and unknown columns in order_by, limit and offset, naming the parameter', async () => {
    const hostile = [...SQL_METACHARACTERS, 'id; DROP TABLE users', '-', '--id', 'id,name', '__proto__'];
    for (const [path, handler] of listRoutes) {
      for (const value of hostile) {
        const result = await callHandler(handler, { method: 'GET', path, query: { order_by: value } });
        expectRefused(result, [400]);
        expect((result.body as { field: string }).field, `${path} ${value}`).toBe('order_by');
      }
      for (const [name, value] of [
        ['limit', '-1'],
        ['limit', '1e9'],
        ['offset', "0'"],
        ['limit', '1; SELECT 1'],
      ] as const) {
        const result = await callHandler(handler, { method: 'GET', path, query: { [name]: value } });
        expectRefused(result, [400]);
      }
      expect(
        (await callHandler(handler, { method: 'GET', path, query: { order_by: '-id' } })).statusCode,
      ).toBe(200);
    }
  });
});
