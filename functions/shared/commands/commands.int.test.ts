// Every command on the real PostgreSQL: its rows and its events in one transaction, nothing when it
// fails, and one write per Idempotency-Key (for its 24 hours).
import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { domainEventSchema } from '../../../events/contracts.ts';
import { openCommandDatabase, type CommandHandlers } from '../../../tests/support/commandDatabase.ts';
import { callHandler } from '../../../tests/support/lambdaEvents.ts';

let handlers: CommandHandlers;
let sql: pg.Pool;

beforeAll(async () => {
  const backend = await openCommandDatabase('commands');
  ({ handlers, sql } = backend);
  return backend.close;
});

async function eventsAfter(position: number) {
  const { rows } = await sql.query(
    `SELECT position::float8 AS position, event_id AS "eventId", type, version, aggregate_id AS "aggregateId",
            correlation_id AS "correlationId", to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "occurredAt", data
     FROM event_log WHERE position > $1 ORDER BY position`,
    [position],
  );
  return rows.map((row) => domainEventSchema.parse(row));
}

async function headPosition(): Promise<number> {
  const { rows } = await sql.query('SELECT coalesce(max(position), 0)::float8 AS head FROM event_log');
  return rows[0].head;
}

const count = async (table: string) =>
  Number((await sql.query(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);

describe('each command writes its rows and its events together', () => {
  it('POST /system-api/users with one user and with an array', async () => {
    const before = await headPosition();
    const one = await callHandler(handlers.createSystemApiUsers, {
      method: 'POST',
      path: '/system-api/users',
      body: { name: 'Alice Smith', email: 'Alice@Demo.com' },
    });
    expect(one.statusCode).toBe(201);
    expect(one.body).toEqual({ id: expect.any(Number), name: 'Alice Smith', email: 'alice@demo.com' });
    const many = await callHandler(handlers.createSystemApiUsers, {
      method: 'POST',
      path: '/system-api/users',
      body: [
        { name: 'Bob', email: 'bob@demo.com' },
        { name: 'Carol', email: 'carol@demo.com' },
      ],
    });
    expect(many.statusCode).toBe(201);
    expect(many.body).toHaveLength(2);
    const events = await eventsAfter(before);
    expect(events.map((event) => event.type)).toEqual(['user.created', 'user.created', 'user.created']);
    expect(events[0]!.data).toMatchObject({ name: 'Alice Smith', firstName: 'Alice', lastName: 'Smith' });
    expect(Number(many.headers['x-event-position'])).toBe(events[2]!.position);
    expect(one.headers['x-correlation-id']).toBe(events[0]!.correlationId);
  });

  it('the users demo: POST, PUT and DELETE /users, the same users as /system-api', async () => {
    const before = await headPosition();
    const created = await callHandler(handlers.registerUser, {
      method: 'POST',
      path: '/users',
      body: { first_name: 'Grace', last_name: 'Hopper', email: 'grace@navy.mil' },
    });
    expect(created.statusCode).toBe(201);
    const id = String((created.body as { id: number }).id);
    const updated = await callHandler(handlers.updateUser, {
      method: 'PUT',
      path: `/users/${id}`,
      pathParameters: { id },
      body: { first_name: 'Grace', last_name: 'Brewster Hopper', email: 'grace@navy.mil' },
    });
    expect(updated.body).toEqual({
      id: Number(id),
      first_name: 'Grace',
      last_name: 'Brewster Hopper',
      email: 'grace@navy.mil',
    });
    const deleted = await callHandler(handlers.deleteUser, {
      method: 'DELETE',
      path: `/users/${id}`,
      pathParameters: { id },
    });
    expect(deleted.statusCode).toBe(204);
    const again = await callHandler(handlers.deleteUser, {
      method: 'DELETE',
      path: `/users/${id}`,
      pathParameters: { id },
    });
    expect(again.statusCode).toBe(404);
    const events = await eventsAfter(before);
    expect(events.map((event) => event.type)).toEqual(['user.created', 'user.updated', 'user.deleted']);
    expect(events[1]!.data).toMatchObject({ name: 'Grace Brewster Hopper', lastName: 'Brewster Hopper' });
    // a deleted user's email is free again
    const reused = await callHandler(handlers.registerUser, {
      method: 'POST',
      path: '/users',
      body: { first_name: 'Grace', last_name: 'Hopper', email: 'grace@navy.mil' },
    });
    expect(reused.statusCode).toBe(201);
  });

  it('POST /system-api/accounts for a known user, 404 naming user_id for an unknown one', async () => {
    const user = await callHandler(handlers.createSystemApiUsers, {
      method: 'POST',
      path: '/system-api/users',
      body: { name: 'Dan', email: 'dan@demo.com' },
    });
    const userId = (user.body as { id: number }).id;
    const before = await headPosition();
    const account = await callHandler(handlers.createAccounts, {
      method: 'POST',
      path: '/system-api/accounts',
      body: { user_id: userId, address1: '123 Main St', city: 'Cityville', state: 'ST', zip: 12345 },
    });
    expect(account.statusCode).toBe(201);
    expect(account.body).toMatchObject({ user_id: userId, address2: null, zip: '12345' });
    const unknown = await callHandler(handlers.createAccounts, {
      method: 'POST',
      path: '/system-api/accounts',
      body: [
        { user_id: userId, address1: 'a', city: 'b', state: 'c', zip: 'd' },
        { user_id: 999999, address1: 'a', city: 'b', state: 'c', zip: 'd' },
      ],
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.body).toMatchObject({ code: 'user_not_found', field: '[1].user_id' });
    expect((await eventsAfter(before)).map((event) => event.type)).toEqual(['account.created']);
  });

  it('POST /order-service/orders keeps the amount exact in cents', async () => {
    const before = await headPosition();
    const placed = await callHandler(handlers.placeServiceOrders, {
      method: 'POST',
      path: '/order-service/orders',
      body: { user_id: 1, amount: 50.1, description: 'Widget' },
    });
    expect(placed.statusCode).toBe(201);
    expect(placed.body).toMatchObject({ user_id: 1, amount: 50.1, description: 'Widget' });
    const [event] = await eventsAfter(before);
    expect(event).toMatchObject({ type: 'order.created', data: { customerId: 1, totalCents: 5010 } });
  });

  it('POST /api/products and POST /api/orders price from the catalog and take stock', async () => {
    const product = await callHandler(handlers.createProduct, {
      method: 'POST',
      path: '/api/products',
      body: { name: 'Wireless Mouse', category: 'Electronics', price: 29.99, stock: 100 },
    });
    expect(product.statusCode).toBe(201);
    const productId = (product.body as { productId: number }).productId;
    const before = await headPosition();
    const order = await callHandler(handlers.placeCatalogOrder, {
      method: 'POST',
      path: '/api/orders',
      body: { customerId: 50, items: [{ productId, quantity: 3, price: 1.0 }] },
    });
    expect(order.statusCode).toBe(201);
    expect(order.body).toEqual({ orderId: expect.any(Number) });
    const [event] = await eventsAfter(before);
    expect(event).toMatchObject({
      type: 'order.created',
      data: {
        customerId: 50,
        totalCents: 8997,
        lines: [{ productId, category: 'Electronics', quantity: 3 }],
      },
    });
    const { rows } = await sql.query('SELECT stock FROM products WHERE id = $1', [productId]);
    expect(rows[0].stock).toBe(97);
  });

  it('POST /todos, complete and delete', async () => {
    const before = await headPosition();
    const created = await callHandler(handlers.createTodo, {
      method: 'POST',
      path: '/todos',
      body: { title: 'Learn CQRS' },
    });
    expect(created).toMatchObject({
      statusCode: 201,
      body: { message: 'Todo created successfully.', id: expect.any(Number) },
    });
    const id = String((created.body as { id: number }).id);
    const call = { path: `/todos/${id}`, pathParameters: { id } };
    expect((await callHandler(handlers.completeTodo, { method: 'POST', ...call })).statusCode).toBe(200);
    expect((await callHandler(handlers.completeTodo, { method: 'POST', ...call })).statusCode).toBe(409);
    expect((await callHandler(handlers.deleteTodo, { method: 'DELETE', ...call })).statusCode).toBe(200);
    expect((await callHandler(handlers.completeTodo, { method: 'POST', ...call })).statusCode).toBe(404);
    expect((await eventsAfter(before)).map((event) => event.type)).toEqual([
      'todo.created',
      'todo.completed',
      'todo.deleted',
    ]);
  });
});

describe('a command that fails changes nothing', () => {
  it('a duplicate email in an array rolls back the users before it, and appends no event', async () => {
    const [users, events] = [await count('users'), await count('event_log')];
    const duplicate = await callHandler(handlers.createSystemApiUsers, {
      method: 'POST',
      path: '/system-api/users',
      body: [
        { name: 'Eve', email: 'eve@demo.com' },
        { name: 'Alice again', email: 'ALICE@demo.com' },
      ],
    });
    expect(duplicate.statusCode).toBe(409);
    expect(duplicate.body).toMatchObject({ code: 'email_taken', field: '[1].email' });
    expect([await count('users'), await count('event_log')]).toEqual([users, events]);
  });

  it('an order over the stock takes no stock and appends no event', async () => {
    const product = await callHandler(handlers.createProduct, {
      method: 'POST',
      path: '/api/products',
      body: { name: 'Lamp', category: 'Home', price: '10.00', stock: 2 },
    });
    const productId = (product.body as { productId: number }).productId;
    const events = await count('event_log');
    const refused = await callHandler(handlers.placeCatalogOrder, {
      method: 'POST',
      path: '/api/orders',
      body: {
        customerId: 1,
        items: [
          { productId, quantity: 1 },
          { productId, quantity: 2 },
        ],
      },
    });
    expect(refused.statusCode).toBe(409);
    expect(refused.body).toMatchObject({ code: 'insufficient_stock', field: 'items[0].quantity' });
    expect(await count('event_log')).toBe(events);
    expect((await sql.query('SELECT stock FROM products WHERE id = $1', [productId])).rows[0].stock).toBe(2);
  });

  it('invalid bodies are 400s naming the field and write nothing', async () => {
    const events = await count('event_log');
    const cases = [
      [
        handlers.createProduct,
        '/api/products',
        { name: 'x', category: 'y', price: 1.005, stock: 1 },
        'price',
      ],
      [handlers.createProduct, '/api/products', { name: 'x', category: 'y', price: 1, stock: -1 }, 'stock'],
      [
        handlers.placeCatalogOrder,
        '/api/orders',
        { customerId: 1, items: [{ productId: 1, quantity: 0.5 }] },
        'items[0].quantity',
      ],
      [
        handlers.placeServiceOrders,
        '/order-service/orders',
        { user_id: 1, amount: 5, description: 'x', extra: 1 },
        'extra',
      ],
      [handlers.createSystemApiUsers, '/system-api/users', { name: 'x', email: 'not-an-email' }, 'email'],
    ] as const;
    for (const [handler, path, body, field] of cases) {
      const answer = await callHandler(handler, { method: 'POST', path, body });
      expect(answer.statusCode, JSON.stringify(body)).toBe(400);
      expect(answer.body).toMatchObject({ code: 'validation_failed', field });
    }
    expect(await count('event_log')).toBe(events);
  });
});

describe('Idempotency-Key', () => {
  it('concurrent retries with the same key and body write once and get the first answer', async () => {
    const [todos, events] = [await count('todos'), await count('event_log')];
    const call = {
      method: 'POST',
      path: '/todos',
      body: { title: 'once' },
      headers: { 'idempotency-key': 'k-1' },
    };
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => callHandler(handlers.createTodo, call)),
    );
    expect(
      new Set(answers.map((answer) => JSON.stringify(answer.body))),
      JSON.stringify(answers),
    ).toHaveProperty('size', 1);
    expect(answers.every((answer) => answer.statusCode === 201)).toBe(true);
    expect(answers.filter((answer) => answer.headers['idempotent-replayed'] === 'true')).toHaveLength(7);
    expect(new Set(answers.map((answer) => answer.headers['x-event-position'])).size).toBe(1);
    expect([await count('todos'), await count('event_log')]).toEqual([todos + 1, events + 1]);
  });

  it('concurrent retries of a key older than 24 hours write once more, and all get that new answer', async () => {
    const call = {
      method: 'POST',
      path: '/todos',
      body: { title: 'again tomorrow' },
      headers: { 'idempotency-key': 'k-expiring' },
    };
    const first = await callHandler(handlers.createTodo, call);
    await sql.query(
      `UPDATE idempotency_keys SET created_at = now() - interval '24 hours 1 second' WHERE idempotency_key = 'k-expiring'`,
    );
    const [todos, events] = [await count('todos'), await count('event_log')];
    const answers = await Promise.all(
      Array.from({ length: 8 }, () => callHandler(handlers.createTodo, call)),
    );
    expect(new Set(answers.map((answer) => JSON.stringify(answer.body))).size).toBe(1);
    expect(answers[0]!.body).not.toEqual(first.body);
    expect(answers.filter((answer) => answer.headers['idempotent-replayed'] === 'true')).toHaveLength(7);
    expect([await count('todos'), await count('event_log')]).toEqual([todos + 1, events + 1]);
  });

  it('the same key with another body is a 422 and writes nothing', async () => {
    const headers = { 'idempotency-key': 'k-2' };
    await callHandler(handlers.createTodo, {
      method: 'POST',
      path: '/todos',
      body: { title: 'first' },
      headers,
    });
    const events = await count('event_log');
    const reused = await callHandler(handlers.createTodo, {
      method: 'POST',
      path: '/todos',
      body: { title: 'second' },
      headers,
    });
    expect(reused.statusCode).toBe(422);
    expect(reused.body).toMatchObject({ code: 'idempotency_key_reused' });
    expect(await count('event_log')).toBe(events);
  });

  it('a key is scoped to its route', async () => {
    const headers = { 'idempotency-key': 'k-3' };
    const todo = await callHandler(handlers.createTodo, {
      method: 'POST',
      path: '/todos',
      body: { title: 't' },
      headers,
    });
    const product = await callHandler(handlers.createProduct, {
      method: 'POST',
      path: '/api/products',
      body: { name: 'n', category: 'c', price: 1, stock: 1 },
      headers,
    });
    expect([todo.statusCode, product.statusCode]).toEqual([201, 201]);
  });
});
