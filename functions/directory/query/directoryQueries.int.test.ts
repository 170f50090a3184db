// The directory's read Lambdas against an in-process dynalite filled by the real projection: the
// seeds' shapes, limit/offset/order_by (whitelisted), cursor paging, updates and deletes, and the
// read-your-writes wait of X-Min-Position.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type DomainEvent, type EventType } from '../../../events/contracts.ts';
import { storedEvent, type StoredData } from '../../../tests/support/events.ts';
import { createReadModelResources, startLocalAws, type LocalAws } from '../../../infra/local/localAws.ts';
import { readModelTableName } from '../../shared/resourceNames.ts';
import { callHandler, type CallResult } from '../../../tests/support/lambdaEvents.ts';
import { applyToTable } from '../../../tests/support/projectorBatches.ts';
import { dynamoDb } from '../../shared/aws.ts';
import { configure, resetConfiguration } from '../../shared/config.ts';
import { directoryProjection } from '../directoryProjection.ts';
import { handler as getUser } from './getUser.ts';
import { handler as listAccounts } from './listAccounts.ts';
import { handler as listServiceOrders } from './listServiceOrders.ts';
import { handler as listSystemApiUsers } from './listSystemApiUsers.ts';
import { handler as listTodos } from './listTodos.ts';
import { handler as listUsers } from './listUsers.ts';

type Handler = Parameters<typeof callHandler>[0];

// the logger's own level (tests/support/logLevel.ts), before the handlers' modules create it
vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'WARN';
});

const PREFIX = `directory-queries-${randomUUID().slice(0, 8)}`;

/** The handlers read their settings when called: given in beforeAll. */
const queries = {
  dynamoDb,
  systemApiUsers: listSystemApiUsers,
  accounts: listAccounts,
  serviceOrders: listServiceOrders,
  users: listUsers,
  user: getUser,
  todos: listTodos,
};

let localAws: LocalAws;
let lastPosition = 0;

function event<T extends EventType>(type: T, aggregateId: number, data: StoredData<T>, occurredAt: string) {
  lastPosition += 1;
  return storedEvent({ type, position: lastPosition, occurredAt, aggregateId: String(aggregateId), data });
}

/** Every event here is the directory's: its position is its number in the directory stream too. */
async function apply(...events: DomainEvent[]) {
  await applyToTable(
    queries.dynamoDb(),
    readModelTableName(PREFIX, 'directory'),
    directoryProjection,
    events.map((event) => ({ sequence: event.position, event })),
  );
}

interface GetOptions {
  query?: Record<string, string>;
  headers?: Record<string, string>;
  pathParameters?: Record<string, string>;
}

const get = (handler: Handler, path: string, call: GetOptions = {}): Promise<CallResult> =>
  callHandler(handler, { method: 'GET', path, ...call });

const ids = (result: CallResult) => (result.body as { id: number }[]).map((row) => row.id);
const hour = (hours: number) => new Date(Date.UTC(2024, 2, 1, 10 + hours)).toISOString();
const FIRST_NAMES = ['Cara', 'Ben', 'Ada', 'Ben', 'Eve'];

beforeAll(async () => {
  localAws = await startLocalAws();
  await createReadModelResources(PREFIX, localAws);
  configure({
    RESOURCE_PREFIX: PREFIX,
    MAX_READ_WAIT_MS: '200',
    DYNAMODB_ENDPOINT: localAws.dynamoDbEndpoint,
    SQS_ENDPOINT: localAws.sqsEndpoint,
  });

  // users 1..25 named Cara, Ben, Ada, Ben, Eve over and over, created five to an hour
  await apply(
    ...Array.from({ length: 25 }, (_, index) => {
      const userId = index + 1;
      const firstName = FIRST_NAMES[index % 5]!;
      const data = {
        userId,
        name: `${firstName} Tester`,
        firstName,
        lastName: 'Tester',
        email: `user${userId}@example.com`,
      };
      return event('user.created', userId, data, hour(Math.floor(index / 5)));
    }),
  );
  const account = (
    accountId: number,
    userId: number,
    address2: string | null,
    city: string,
    state: string,
    zip: string,
  ) =>
    event(
      'account.created',
      accountId,
      { accountId, userId, address1: `${accountId} Main St`, address2, city, state, zip },
      hour(6),
    );
  await apply(
    account(1, 3, null, 'Springfield', 'IL', '62701'),
    account(2, 1, 'Apt 4', 'Austin', 'TX', '73301'),
    account(3, 2, null, 'Boston', 'MA', '02108'),
    account(4, 1, null, 'Austin', 'TX', '73344'),
  );
  const serviceOrder = (orderId: number, customerId: number, description: string, totalCents: number) => {
    const line = {
      productId: null,
      category: null,
      description,
      quantity: 1,
      unitPriceCents: totalCents,
      lineTotalCents: totalCents,
    };
    return event(
      'order.created',
      orderId,
      { orderId, customerId, description, totalCents, lines: [line] },
      hour(7),
    );
  };
  const product = {
    productId: 1,
    name: 'Wireless Mouse',
    category: 'Electronics',
    priceCents: 2999,
    stock: 100,
  };
  const catalogLine = {
    productId: 1,
    category: 'Electronics',
    description: 'Wireless Mouse',
    quantity: 3,
    unitPriceCents: 2999,
    lineTotalCents: 8997,
  };
  await apply(
    serviceOrder(1, 1, 'Test purchase', 5000),
    serviceOrder(2, 2, 'Coffee', 1999),
    event('product.created', 1, product, hour(7)),
    event(
      'order.created',
      3,
      {
        orderId: 3,
        customerId: 50,
        description: 'Wireless Mouse x3',
        totalCents: 8997,
        lines: [catalogLine],
      },
      hour(7),
    ),
    serviceOrder(4, 1, 'Gum', 5),
    serviceOrder(5, 2, 'Refill', 1999),
  );
  await apply(
    ...['Learn CQRS', 'Write tests', 'Ship it'].map((title, index) =>
      event('todo.created', index + 1, { todoId: index + 1, title }, hour(8)),
    ),
  );
});

afterAll(async () => {
  queries.dynamoDb().destroy();
  await localAws?.stop();
  resetConfiguration();
});

describe('shapes', () => {
  it('GET /system-api/users lists users as the invoice demo shows them', async () => {
    const result = await get(queries.systemApiUsers, '/system-api/users', { query: { limit: '2' } });
    expect(result.statusCode).toBe(200);
    expect(result.body).toEqual([
      { id: 1, name: 'Cara Tester', email: 'user1@example.com', created_at: hour(0), updated_at: hour(0) },
      { id: 2, name: 'Ben Tester', email: 'user2@example.com', created_at: hour(0), updated_at: hour(0) },
    ]);
  });

  it('GET /system-api/accounts lists accounts, address2 null when there is none', async () => {
    const result = await get(queries.accounts, '/system-api/accounts');
    expect(ids(result)).toEqual([1, 2, 3, 4]);
    expect((result.body as unknown[])[0]).toEqual({
      id: 1,
      user_id: 3,
      address1: '1 Main St',
      address2: null,
      city: 'Springfield',
      state: 'IL',
      zip: '62701',
      created_at: hour(6),
    });
  });

  it('GET /order-service/orders lists every order with its amount in decimals, not products', async () => {
    const result = await get(queries.serviceOrders, '/order-service/orders');
    expect(result.body).toEqual([
      { id: 1, user_id: 1, amount: 50, description: 'Test purchase', created_at: hour(7) },
      { id: 2, user_id: 2, amount: 19.99, description: 'Coffee', created_at: hour(7) },
      { id: 3, user_id: 50, amount: 89.97, description: 'Wireless Mouse x3', created_at: hour(7) },
      { id: 4, user_id: 1, amount: 0.05, description: 'Gum', created_at: hour(7) },
      { id: 5, user_id: 2, amount: 19.99, description: 'Refill', created_at: hour(7) },
    ]);
  });

  it('GET /users lists every user as the users demo shows them, with no parameters', async () => {
    const result = await get(queries.users, '/users');
    expect(ids(result)).toEqual(Array.from({ length: 25 }, (_, index) => index + 1));
    expect((result.body as unknown[])[2]).toEqual({
      id: 3,
      first_name: 'Ada',
      last_name: 'Tester',
      email: 'user3@example.com',
    });
    expect(result.headers['x-next-cursor']).toBeUndefined();
  });

  it('GET /users/{id} answers one user, 404 for an unknown id, 400 for a bad one', async () => {
    const found = await get(queries.user, '/users/3', { pathParameters: { id: '3' } });
    expect(found.statusCode).toBe(200);
    expect(found.body).toEqual({ id: 3, first_name: 'Ada', last_name: 'Tester', email: 'user3@example.com' });

    const missing = await get(queries.user, '/users/999', { pathParameters: { id: '999' } });
    expect(missing.statusCode).toBe(404);
    expect(missing.body).toMatchObject({ code: 'user_not_found', field: 'id' });

    for (const bad of ['abc', '0', '-1', '1.5']) {
      const refused = await get(queries.user, `/users/${bad}`, { pathParameters: { id: bad } });
      expect(refused.statusCode).toBe(400);
      expect(refused.body).toMatchObject({ code: 'validation_failed', field: 'id' });
    }
  });

  it('GET /todos lists todos in id order', async () => {
    const result = await get(queries.todos, '/todos');
    expect(result.body).toEqual([
      { id: 1, title: 'Learn CQRS', completed: false },
      { id: 2, title: 'Write tests', completed: false },
      { id: 3, title: 'Ship it', completed: false },
    ]);
  });
});

describe('limit, offset and order_by', () => {
  const users = (query: Record<string, string>) =>
    get(queries.systemApiUsers, '/system-api/users', { query });

  it('defaults to 100 rows from offset 0 in id order', async () => {
    expect(ids(await users({}))).toEqual(Array.from({ length: 25 }, (_, index) => index + 1));
  });

  it('takes limit and offset, in either id direction', async () => {
    expect(ids(await users({ limit: '3', offset: '2' }))).toEqual([3, 4, 5]);
    expect(ids(await users({ limit: '3', order_by: '-id' }))).toEqual([25, 24, 23]);
    expect(ids(await users({ limit: '3', offset: '2', order_by: '-id' }))).toEqual([23, 22, 21]);
    expect(ids(await users({ offset: '25' }))).toEqual([]);
  });

  it('orders by another column, ties by id, a descending list the exact reverse', async () => {
    expect(ids(await users({ order_by: 'name', limit: '6' }))).toEqual([3, 8, 13, 18, 23, 2]);
    expect(ids(await users({ order_by: 'name', offset: '5', limit: '3' }))).toEqual([2, 4, 7]);
    expect(ids(await users({ order_by: '-name', limit: '3' }))).toEqual([25, 20, 15]);
    expect(ids(await users({ order_by: '-created_at', limit: '7' }))).toEqual([25, 24, 23, 22, 21, 20, 19]);
    // dictionary order: "user1@" before "user10@", where code units would put '0' before '@'
    expect(ids(await users({ order_by: 'email', limit: '3' }))).toEqual([1, 10, 11]);
  });

  it('orders accounts and orders by their own columns', async () => {
    const accounts = (order_by: string) =>
      get(queries.accounts, '/system-api/accounts', { query: { order_by } });
    expect(ids(await accounts('city'))).toEqual([2, 4, 3, 1]);
    expect(ids(await accounts('-city'))).toEqual([1, 3, 4, 2]);
    expect(ids(await accounts('user_id'))).toEqual([2, 4, 3, 1]);
    expect(ids(await accounts('zip'))).toEqual([3, 1, 2, 4]);

    const orders = (query: Record<string, string>) =>
      get(queries.serviceOrders, '/order-service/orders', { query });
    expect(ids(await orders({ order_by: 'amount' }))).toEqual([4, 2, 5, 1, 3]);
    expect(ids(await orders({ order_by: '-amount' }))).toEqual([3, 1, 5, 2, 4]);
    expect(ids(await orders({ order_by: '-user_id', limit: '2' }))).toEqual([3, 5]);
  });

  it.each([
    ['order_by', 'name; DROP TABLE users'],
    ['order_by', 'password'],
    ['order_by', 'amount'],
    ['order_by', '--id'],
    ['order_by', ''],
    ['limit', '0'],
    ['limit', '1001'],
    ['limit', 'ten'],
    ['limit', '2.5'],
    ['offset', '-1'],
    ['offset', '9999'],
    ['sort', 'name'],
  ])('refuses %s=%j with a 400 naming it', async (field, value) => {
    const result = await users({ [field]: value });
    expect(result.statusCode).toBe(400);
    expect(result.body).toMatchObject({ code: 'validation_failed', field });
  });

  it('refuses a column another list may order by', async () => {
    const result = await get(queries.accounts, '/system-api/accounts', { query: { order_by: 'address1' } });
    expect(result.statusCode).toBe(400);
    expect(result.body).toMatchObject({ field: 'order_by' });
  });
});

describe('cursor', () => {
  /** Follows X-Next-Cursor from the first page to the last; returns the pages' ids. */
  async function pages(handler: Handler, path: string, first: Record<string, string>) {
    const seen: number[][] = [];
    let query = first;
    for (;;) {
      const result = await get(handler, path, { query });
      expect(result.statusCode).toBe(200);
      seen.push(ids(result));
      const cursor = result.headers['x-next-cursor'];
      if (!cursor) return seen;
      expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
      query = { limit: first.limit!, cursor };
    }
  }

  it('pages through 25 users ten at a time, each once, in either direction', async () => {
    const range = (from: number, to: number, step = 1) =>
      Array.from({ length: Math.abs(to - from) + 1 }, (_, index) => from + index * step);
    expect(await pages(queries.systemApiUsers, '/system-api/users', { limit: '10' })).toEqual([
      range(1, 10),
      range(11, 20),
      range(21, 25),
    ]);
    expect(
      await pages(queries.systemApiUsers, '/system-api/users', { limit: '10', order_by: '-id' }),
    ).toEqual([range(25, 16, -1), range(15, 6, -1), range(5, 1, -1)]);
    expect(await pages(queries.users, '/users', { limit: '10', offset: '5' })).toEqual([
      range(6, 15),
      range(16, 25),
    ]);
    expect((await pages(queries.todos, '/todos', { limit: '1' })).flat()).toEqual([1, 2, 3]);
  });

  it('gives no cursor when the page is the last, even a full one', async () => {
    const result = await get(queries.serviceOrders, '/order-service/orders', { query: { limit: '5' } });
    expect(ids(result)).toEqual([1, 2, 3, 4, 5]);
    expect(result.headers['x-next-cursor']).toBeUndefined();
  });

  it('refuses a cursor that does not fit the request', async () => {
    const first = await get(queries.systemApiUsers, '/system-api/users', { query: { limit: '2' } });
    const cursor = first.headers['x-next-cursor']!;
    const accountPage = await get(queries.accounts, '/system-api/accounts', { query: { limit: '1' } });
    const refusals: [Record<string, string>, string][] = [
      [{ cursor, order_by: 'name' }, 'cursor'],
      [{ cursor, order_by: '-id' }, 'cursor'],
      [{ cursor, offset: '1' }, 'offset'],
      [{ cursor: 'not a cursor' }, 'cursor'],
      [{ cursor: Buffer.from('{"kind":"USER"}').toString('base64url') }, 'cursor'],
      [{ cursor: accountPage.headers['x-next-cursor']! }, 'cursor'],
    ];
    for (const [query, field] of refusals) {
      const result = await get(queries.systemApiUsers, '/system-api/users', { query });
      expect(result.statusCode, JSON.stringify(query)).toBe(400);
      expect(result.body).toMatchObject({ code: 'validation_failed', field });
    }
  });
});

describe('updates and deletes', () => {
  it('shows an updated user with its new fields and updated_at', async () => {
    const data = {
      userId: 2,
      name: 'Bea Tester',
      firstName: 'Bea',
      lastName: 'Tester',
      email: 'bea@example.com',
    };
    await apply(event('user.updated', 2, data, hour(9)));
    const list = await get(queries.systemApiUsers, '/system-api/users', {
      query: { limit: '2', offset: '1' },
    });
    expect((list.body as unknown[])[0]).toEqual({
      id: 2,
      name: 'Bea Tester',
      email: 'bea@example.com',
      created_at: hour(0),
      updated_at: hour(9),
    });
    const one = await get(queries.user, '/users/2', { pathParameters: { id: '2' } });
    expect(one.body).toEqual({ id: 2, first_name: 'Bea', last_name: 'Tester', email: 'bea@example.com' });
  });

  it('drops a deleted user from every list and answers 404 for it; a cursor past it still works', async () => {
    const firstPage = await get(queries.systemApiUsers, '/system-api/users', { query: { limit: '5' } });
    expect(ids(firstPage)).toEqual([1, 2, 3, 4, 5]);
    await apply(event('user.deleted', 5, { userId: 5 }, hour(9)));

    const cursor = firstPage.headers['x-next-cursor']!;
    const nextPage = await get(queries.systemApiUsers, '/system-api/users', {
      query: { limit: '5', cursor },
    });
    expect(ids(nextPage)).toEqual([6, 7, 8, 9, 10]);
    const everyone = await get(queries.users, '/users');
    expect(ids(everyone)).toHaveLength(24);
    expect(ids(everyone)).not.toContain(5);
    const byName = await get(queries.systemApiUsers, '/system-api/users', { query: { order_by: '-name' } });
    expect(ids(byName)).not.toContain(5);

    const gone = await get(queries.user, '/users/5', { pathParameters: { id: '5' } });
    expect(gone.statusCode).toBe(404);
    expect(gone.body).toMatchObject({ code: 'user_not_found', field: 'id' });
  });

  it('shows a completed todo as completed and drops a deleted one', async () => {
    await apply(
      event('todo.completed', 2, { todoId: 2 }, hour(9)),
      event('todo.deleted', 3, { todoId: 3 }, hour(9)),
    );
    expect((await get(queries.todos, '/todos')).body).toEqual([
      { id: 1, title: 'Learn CQRS', completed: false },
      { id: 2, title: 'Write tests', completed: true },
    ]);
  });
});

describe('X-Min-Position', () => {
  const todosAt = (position: number | string) =>
    get(queries.todos, '/todos', { headers: { 'x-min-position': String(position) } });

  it('answers fresh when the projection has applied that position', async () => {
    for (const position of [1, lastPosition]) {
      const result = await todosAt(position);
      expect(result.statusCode).toBe(200);
      expect(result.headers['x-consistency']).toBe('fresh');
      expect(result.headers['x-projection-position']).toBe(String(lastPosition));
    }
  });

  it('answers stale after waiting MAX_READ_WAIT_MS for a position not applied yet', async () => {
    const started = Date.now();
    const result = await todosAt(lastPosition + 1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
    expect(result.statusCode).toBe(200);
    expect(result.headers['x-consistency']).toBe('stale');
    expect(result.headers['x-projection-position']).toBe(String(lastPosition));
  });

  it('answers fresh, with the new row, when the position is applied during the wait', async () => {
    const created = event('todo.created', 4, { todoId: 4, title: 'Read your writes' }, hour(10));
    const answer = todosAt(created.position);
    // applied while the query waits, as a projector running behind a command would
    await new Promise((resolve) => setTimeout(resolve, 50));
    await apply(created);
    const result = await answer;
    expect(result.headers['x-consistency']).toBe('fresh');
    expect(ids(result)).toEqual([1, 2, 4]);
  });

  it('refuses a position that is not a number', async () => {
    const result = await todosAt('soon');
    expect(result.statusCode).toBe(400);
    expect(result.body).toMatchObject({ field: 'X-Min-Position' });
  });
});
