// Limits, played by a caller who asks for more than a request should cost: an Idempotency-Key kept
// forever (a replay days later, and a table that only grows), one order reserving a million units, a
// page a million rows deep. The commands run on a database of their own, as in the integration tier;
// the query's refusal comes before it reads anything, so it needs no read side.
import pg from 'pg';
import { beforeAll, describe, expect, it } from 'vitest';
import { openCommandDatabase, type CommandHandlers } from '../support/commandDatabase.ts';
import { callHandler } from '../support/lambdaEvents.ts';

let handlers: CommandHandlers;
let sql: pg.Pool;

beforeAll(async () => {
  const backend = await openCommandDatabase('security_limits', { POWERTOOLS_LOG_LEVEL: 'SILENT' });
  ({ handlers, sql } = backend);
  return backend.close;
});

const count = async (query: string, values: unknown[] = []) =>
  Number((await sql.query<{ n: string }>(query, values)).rows[0]!.n);

describe('an Idempotency-Key', () => {
  it('replayed more than 24 hours after its command is a new command, not the old answer', async () => {
    const send = () =>
      callHandler(handlers.createTodo, {
        method: 'POST',
        path: '/todos',
        headers: { 'Idempotency-Key': 'order-2026-12-01' },
        body: { title: 'Pay the invoice' },
      });
    const first = await send();
    expect(first.statusCode).toBe(201);
    // within the day: the first answer again, nothing written
    const retry = await send();
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.body).toEqual(first.body);

    await sql.query(`UPDATE idempotency_keys SET created_at = now() - interval '25 hours'`);
    const events = await count('SELECT count(*) AS n FROM event_log');
    const late = await send();
    expect(late.statusCode).toBe(201);
    expect(
      late.headers['idempotent-replayed'],
      'a 25-hour-old key replayed its first answer',
    ).toBeUndefined();
    expect(late.body).not.toEqual(first.body);
    expect(await count('SELECT count(*) AS n FROM event_log')).toBe(events + 1);
    // and the key answers for the new command from now on
    expect((await send()).body).toEqual(late.body);
  });

  it('records expire: a bounded purge removes the expired ones, oldest first, and keeps the live', async () => {
    // the records above aside: 1,500 a day old and more, 10 live
    await sql.query('DELETE FROM idempotency_keys');
    await sql.query(
      `INSERT INTO idempotency_keys (scope, idempotency_key, request_hash, status_code, created_at)
       SELECT 'POST /todos', 'expired-' || n, 'hash', 201, now() - interval '25 hours' - n * interval '1 second'
       FROM generate_series(1, 1500) AS n`,
    );
    await sql.query(
      `INSERT INTO idempotency_keys (scope, idempotency_key, request_hash, status_code)
       SELECT 'POST /todos', 'live-' || n, 'hash', 201 FROM generate_series(1, 10) AS n`,
    );
    const expired = () =>
      count(`SELECT count(*) AS n FROM idempotency_keys WHERE created_at < now() - interval '24 hours'`);
    expect(await expired()).toBe(1500);
    const idempotency = (await import('../../functions/shared/commands/idempotency.ts')) as Record<
      string,
      unknown
    >;
    const purge = idempotency.purgeExpiredIdempotencyKeys as
      ((pool: pg.Pool, limit: number) => Promise<number>) | undefined;
    expect(purge, 'a purge of expired Idempotency-Key records').toBeTypeOf('function');
    // as the relay purges: with the relay's role, whose one DELETE this is
    const relay = await handlers.postgres.postgresPool('relay');
    // bounded: at most `limit` a call, the oldest first
    expect(await purge!(relay, 1000)).toBe(1000);
    expect(
      await count(`SELECT count(*) AS n FROM idempotency_keys WHERE idempotency_key = 'expired-1500'`),
    ).toBe(0);
    expect(await purge!(relay, 1000)).toBe(500);
    expect(await expired()).toBe(0);
    expect(
      await count(`SELECT count(*) AS n FROM idempotency_keys WHERE idempotency_key LIKE 'live-%'`),
    ).toBe(10);
    // on an index, so that a purge reads what it deletes and not the whole table
    expect(
      await count(
        `SELECT count(*) AS n FROM pg_indexes WHERE tablename = 'idempotency_keys' AND indexdef LIKE '%(created_at)%'`,
      ),
    ).toBe(1);
  });
});

describe('one catalog order', () => {
  it('cannot reserve a million units: 100 lines of 10,000 is a 400 naming the limit', async () => {
    const product = await callHandler(handlers.createProduct, {
      method: 'POST',
      path: '/api/products',
      body: { name: 'Hoarded', category: 'Stock', price: 1, stock: 1_000_000 },
    });
    expect(product.statusCode).toBe(201);
    const { productId } = product.body as { productId: number };
    const order = (items: { productId: number; quantity: number }[]) =>
      callHandler(handlers.placeCatalogOrder, {
        method: 'POST',
        path: '/api/orders',
        body: { customerId: 7, items },
      });
    const hoard = await order(Array.from({ length: 100 }, () => ({ productId, quantity: 10_000 })));
    expect(hoard.statusCode, 'an order of 1,000,000 units').toBe(400);
    expect(hoard.body).toMatchObject({
      code: 'validation_failed',
      field: expect.stringMatching(/^items/),
      detail: expect.stringMatching(/at most 1000/),
    });
    // a thousand units in all may be ordered, not one more, however they are split
    const split = (units: number) => [
      { productId, quantity: units - 400 },
      { productId, quantity: 400 },
    ];
    expect((await order(split(1001))).body).toMatchObject({
      field: 'items',
      detail: 'items: must order at most 1000 units in all',
    });
    expect((await order(split(1000))).statusCode).toBe(201);
    const { rows } = await sql.query<{ stock: number }>('SELECT stock FROM products WHERE id = $1', [
      productId,
    ]);
    expect(rows[0]!.stock).toBe(1_000_000 - 1000);
  });
});

describe('a list', () => {
  it('cannot be paged a million rows deep with offset: a 400 naming offset + limit', async () => {
    const { handler: listUsers } = await import('../../functions/directory/query/listUsers.ts');
    for (const query of [
      { offset: '1000000', limit: '10' },
      { offset: '9901', limit: '100' },
    ]) {
      const answer = await callHandler(listUsers, { method: 'GET', path: '/users', query });
      expect(answer.statusCode, JSON.stringify(query)).toBe(400);
      expect(answer.body).toMatchObject({ field: 'offset', detail: expect.stringMatching(/at most 10000/) });
    }
  });
});
