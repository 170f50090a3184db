// `npm run dev` started as a user would, then every seed's documented command sent over HTTP and
// answered as the seed shows; the events arrive on RabbitMQ in commit order.
import { readFile } from 'node:fs/promises';
import amqp from 'amqplib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../events/contracts.ts';
import { contractFetch } from '../support/apiContract.ts';
import { BEARER_TOKEN_CANARY, startDevStack, type DevStack } from '../support/devStack.ts';
import { drainQueue } from '../support/testBroker.ts';

let stack: DevStack;

const TAP_QUEUE = 'e2e-tap';

beforeAll(async () => {
  stack = await startDevStack();
  // the projectors' queues are consumed by their bridges; a queue of our own sees the same stream
  const connection = await amqp.connect(stack.broker.url);
  const channel = await connection.createChannel();
  await channel.assertQueue(TAP_QUEUE, { durable: true });
  await channel.bindQueue(TAP_QUEUE, 'domain-events', '#');
  await channel.close();
  await connection.close();
});

afterAll(async () => {
  await stack?.stop();
});

async function send(method: string, path: string, body?: unknown, headers: Record<string, string> = {}) {
  const response = await contractFetch(`${stack.baseUrl}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await response.text();
  return {
    status: response.status,
    headers: response.headers,
    text,
    body: text && /json/.test(response.headers.get('content-type') ?? '') ? JSON.parse(text) : undefined,
  };
}

const sentTypes: string[] = [];
const expectEvent = (...types: string[]) => sentTypes.push(...types);

describe('the analytics seed', () => {
  it('creates a product and an order as its testing guide shows', async () => {
    const product = await send('POST', '/api/products', {
      name: 'Wireless Mouse',
      category: 'Electronics',
      price: 29.99,
      stock: 100,
    });
    expect(product).toMatchObject({ status: 201, body: { productId: 1 } });
    expect(Number(product.headers.get('x-event-position'))).toBeGreaterThan(0);
    const order = await send('POST', '/api/orders', {
      customerId: 50,
      items: [{ productId: 1, quantity: 3, price: 29.99 }],
    });
    expect(order).toMatchObject({ status: 201, body: { orderId: 1 } });
    expectEvent('product.created', 'order.created');
  });

  it('refuses an order over the stock with a 409 and no stack trace', async () => {
    const refused = await send('POST', '/api/orders', {
      customerId: 50,
      items: [{ productId: 1, quantity: 1000 }],
    });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'insufficient_stock', field: 'items[0].quantity' });
  });
});

describe('the invoice demo', () => {
  it('creates a user, an account and an order (steps 1 to 3)', async () => {
    const user = await send('POST', '/system-api/users', { name: 'Alice', email: 'alice@demo.com' });
    expect(user).toMatchObject({ status: 201, body: { id: 1, name: 'Alice', email: 'alice@demo.com' } });
    const account = await send('POST', '/system-api/accounts', {
      user_id: 1,
      address1: '123 Main St',
      city: 'Cityville',
      state: 'ST',
      zip: '12345',
    });
    expect(account).toMatchObject({ status: 201, body: { id: 1, user_id: 1, address1: '123 Main St' } });
    const order = await send('POST', '/order-service/orders', {
      user_id: 1,
      amount: 50,
      description: 'Test purchase',
    });
    expect(order).toMatchObject({
      status: 201,
      body: { id: 2, user_id: 1, amount: 50, description: 'Test purchase' },
    });
    const many = await send('POST', '/order-service/orders', [
      { user_id: 1, amount: 50.0, description: 'Widget' },
      { user_id: 1, amount: '50.00', description: 'Gadget' },
    ]);
    expect(many.status).toBe(201);
    expect(many.body).toHaveLength(2);
    expectEvent('user.created', 'account.created', 'order.created', 'order.created', 'order.created');
  });

  it('answers a duplicate email with a 409 naming the field', async () => {
    const duplicate = await send('POST', '/system-api/users', { name: 'Alice', email: 'ALICE@demo.com' });
    expect(duplicate).toMatchObject({
      status: 409,
      body: { code: 'email_taken', field: 'email' },
    });
  });
});

describe('the todo demo', () => {
  it('creates, completes and deletes a todo', async () => {
    const created = await send('POST', '/todos', { title: 'Learn CQRS' });
    expect(created).toMatchObject({ status: 201, body: { message: 'Todo created successfully.', id: 1 } });
    expect((await send('POST', '/todos/1/complete')).status).toBe(200);
    expect((await send('DELETE', '/todos/1')).status).toBe(200);
    expectEvent('todo.created', 'todo.completed', 'todo.deleted');
  });
});

describe('the users demo', () => {
  it('creates, updates and deletes a user', async () => {
    const created = await send('POST', '/users', {
      first_name: 'Grace',
      last_name: 'Hopper',
      email: 'grace@navy.mil',
    });
    expect(created).toMatchObject({
      status: 201,
      body: { id: expect.any(Number), first_name: 'Grace', last_name: 'Hopper' },
    });
    const id = created.body.id as number;
    const updated = await send('PUT', `/users/${id}`, {
      first_name: 'Grace',
      last_name: 'Hopper',
      email: 'grace@hopper.dev',
    });
    expect(updated).toMatchObject({ status: 200, body: { id, email: 'grace@hopper.dev' } });
    expect((await send('DELETE', `/users/${id}`)).status).toBe(204);
    expect(
      (await send('PUT', `/users/${id}`, { first_name: 'G', last_name: 'H', email: 'g@h.dev' })).status,
    ).toBe(404);
    expectEvent('user.created', 'user.updated', 'user.deleted');
  });
});

describe('bad input over HTTP', () => {
  it('is refused with a clear 4xx and never a stack trace', async () => {
    const cases = [
      [await send('POST', '/todos', '{"title":'), 400, 'malformed_json'],
      [
        await send('POST', '/todos', 'title=x', { 'Content-Type': 'text/plain' }),
        415,
        'unsupported_media_type',
      ],
      [await send('POST', '/todos', { title: 'x'.repeat(300_000) }), 413, 'payload_too_large'],
      [await send('POST', '/todos', { title: 'x', admin: true }), 400, 'validation_failed'],
      [await send('POST', '/todos/abc/complete'), 400, 'validation_failed'],
      [await send('POST', '/todos/999/complete'), 404, 'todo_not_found'],
      [
        await send('POST', '/api/products', { name: 'x', category: 'y', price: 1.999, stock: 1 }),
        400,
        'validation_failed',
      ],
    ] as const;
    for (const [answer, status, code] of cases) {
      expect(answer.status, answer.text).toBe(status);
      expect(answer.body.code).toBe(code);
      expect(answer.text).not.toMatch(/\bat .+\.(ts|js|mjs):\d+/);
      expect(answer.headers.get('strict-transport-security')).toBeTruthy();
    }
  });

  it('replays an Idempotency-Key retry and refuses the key with another body', async () => {
    const headers = { 'Idempotency-Key': 'e2e-retry' };
    const first = await send('POST', '/todos', { title: 'once' }, headers);
    const retry = await send('POST', '/todos', { title: 'once' }, headers);
    expect(retry.text).toBe(first.text);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect((await send('POST', '/todos', { title: 'other' }, headers)).status).toBe(422);
    expectEvent('todo.created');
  });
});

describe('a request no route takes', () => {
  it('gets a 404 problem details, never the list of routes', async () => {
    const answer = await send('GET', '/no/such/route');
    expect(answer.status).toBe(404);
    expect(answer.headers.get('content-type')).toBe('application/problem+json');
    expect(answer.body).toMatchObject({ status: 404, title: 'Not Found', code: 'route_not_found' });
    expect(answer.text).not.toContain('/invoice-service');
  });

  it('gets a 405 naming the methods when the path exists with others', async () => {
    for (const [method, path, allowed] of [
      ['DELETE', '/api/products', 'POST'],
      ['PATCH', '/users/1', 'DELETE, GET, PUT'],
    ] as const) {
      const answer = await send(method, path);
      expect(answer.status, `${method} ${path}`).toBe(405);
      expect(answer.headers.get('allow'), `${method} ${path}`).toBe(allowed);
      expect(answer.headers.get('content-type')).toBe('application/problem+json');
      expect(answer.body).toMatchObject({ status: 405, code: 'method_not_allowed' });
    }
  });
});

describe('the API description', () => {
  it('serves the OpenAPI document that client/openapi.json holds', async () => {
    const served = await send('GET', '/openapi.json');
    expect(served.status).toBe(200);
    const published = JSON.parse(
      await readFile(new URL('../../client/openapi.json', import.meta.url), 'utf8'),
    );
    expect(served.body).toEqual(published);
  });

  it('serves Swagger UI over it, with scripts of its own and a policy that loads nothing from elsewhere', async () => {
    const page = await send('GET', '/docs');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.text).toContain('src="docs/swagger-ui-bundle.js"');
    const policy = page.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("connect-src 'self'");
    expect(policy).not.toContain('sandbox');
    for (const asset of ['swagger-ui-bundle.js', 'swagger-ui.css', 'reference.js']) {
      const file = await send('GET', `/docs/${asset}`, undefined, { 'Accept-Encoding': 'gzip' });
      expect(file.status, asset).toBe(200);
      expect(file.headers.get('content-encoding'), asset).toBe('gzip');
      expect(file.text.length, asset).toBeGreaterThan(100);
    }
    expect((await send('GET', '/docs/reference.js')).text).toContain("new URL('openapi.json'");
    const missing = await send('GET', '/docs/nothing.js');
    expect([missing.status, missing.body.code]).toEqual([404, 'asset_not_found']);
  });
});

describe('the output of npm run dev', () => {
  it('is a line per request, and no box of routes', async () => {
    await send('GET', '/health', undefined, { 'X-Correlation-Id': 'e2e-quiet-output' });
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(stack.output()).toMatch(/\d\d:\d\d:\d\d GET \/health 200 \d+ ms e2e-quiet-output\n/);
    expect(stack.output()).not.toMatch(/[┌│└]/);
    expect(stack.output()).not.toContain('Warning');
    // no metric lines (EMF) either: they are for CloudWatch
    expect(stack.output()).not.toContain('"_aws"');
  });
});

describe('the event stream', () => {
  it('GET /health/dependencies reports each dependency, GET /health only the read models', async () => {
    const health = await send('GET', '/health/dependencies');
    expect(health).toMatchObject({
      status: 200,
      body: { status: 'ok', dependencies: { postgres: { status: 'up' }, rabbitmq: { status: 'up' } } },
    });
    const shallow = await send('GET', '/health');
    expect(shallow).toMatchObject({ status: 200, body: { status: 'ok', readModels: { status: 'current' } } });
    expect(shallow.body).not.toHaveProperty('dependencies');
  });

  it('delivers every event to RabbitMQ in commit order', async () => {
    const events: DomainEvent[] = [];
    const deadline = Date.now() + 20_000;
    while (events.length < sentTypes.length && Date.now() < deadline) {
      events.push(...(await drainQueue<DomainEvent>(stack.broker.url, TAP_QUEUE)));
      if (events.length < sentTypes.length) await new Promise((resolve) => setTimeout(resolve, 200));
    }
    expect(events.map((event) => event.type)).toEqual(sentTypes);
    const positions = events.map((event) => event.position);
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
  });
});

describe('authentication off, the default', () => {
  it('serves protected routes without a token, so that the seeds’ examples work as written', async () => {
    expect((await send('POST', '/todos', { title: 'No token needed' })).status).toBe(201);
    expect((await send('GET', '/users')).status).toBe(200);
  });
});

describe('secrets', () => {
  const TOKEN = BEARER_TOKEN_CANARY;

  it('never reach the logs: the database password, the broker credentials, a bearer token', async () => {
    // requests that log: a good one, refused ones, one that fails validation deep in a list
    await send('POST', '/todos', { title: 'secret-free' }, { Authorization: `Bearer ${TOKEN}` });
    await send('POST', '/todos', '{"title":', { Authorization: `Bearer ${TOKEN}` });
    await send('GET', '/users?order_by=password', undefined, { Authorization: `Bearer ${TOKEN}` });
    await send('GET', '/health', undefined, { Authorization: `Bearer ${TOKEN}` });
    // give the relay and the projectors time to log what they do with those
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(stack.leakedSecrets()).toEqual([]);
  });
});
