// Many clients ordering the same few products at once: never oversold, never a deadlock.
import pg from 'pg';
import { beforeAll, expect, it } from 'vitest';
import { openCommandDatabase, type CommandHandlers } from '../../../tests/support/commandDatabase.ts';
import { callHandler } from '../../../tests/support/lambdaEvents.ts';

let handlers: CommandHandlers;
let sql: pg.Pool;

beforeAll(async () => {
  const backend = await openCommandDatabase('orders', { PG_POOL_MAX: '40' });
  ({ handlers, sql } = backend);
  return backend.close;
});

/** A small deterministic generator, so that a failing run can be replayed. */
function random(seed: number) {
  let state = seed;
  return (below: number) => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state % below;
  };
}

it('200 concurrent orders on 3 products never oversell and never fail with a deadlock', async () => {
  const stock = 120;
  const productIds: number[] = [];
  for (const [name, price] of [
    ['Mouse', 29.99],
    ['Keyboard', 49.5],
    ['Screen', 199.01],
  ] as const) {
    const created = await callHandler(handlers.createProduct, {
      method: 'POST',
      path: '/api/products',
      body: { name, category: 'Electronics', price, stock },
    });
    productIds.push((created.body as { productId: number }).productId);
  }

  const next = random(2026);
  // every order names two or three of the products in a random order, so that naive locking in
  // request order would deadlock; together they ask for far more than the stock holds
  const orders = Array.from({ length: 200 }, (_, index) => {
    const picked = [...productIds].sort(() => next(3) - 1).slice(0, 2 + next(2));
    return {
      customerId: 1 + (index % 17),
      items: picked.map((productId) => ({ productId, quantity: 1 + next(3) })),
    };
  });
  const answers = await Promise.all(
    orders.map((body) =>
      callHandler(handlers.placeCatalogOrder, { method: 'POST', path: '/api/orders', body }),
    ),
  );

  const statuses = answers.map((answer) => answer.statusCode);
  expect(
    statuses.filter((status) => status !== 201 && status !== 409),
    JSON.stringify(answers.find((a) => a.statusCode >= 500)),
  ).toEqual([]);
  const accepted = orders.filter((_, index) => statuses[index] === 201);
  expect(accepted.length).toBeGreaterThan(0);
  expect(accepted.length).toBeLessThan(orders.length);

  const { rows } = await sql.query<{ id: number; stock: number }>(
    'SELECT id, stock FROM products ORDER BY id',
  );
  for (const product of rows) {
    const sold = accepted
      .flatMap((order) => order.items)
      .filter((item) => item.productId === product.id)
      .reduce((sum, item) => sum + item.quantity, 0);
    expect(product.stock).toBeGreaterThanOrEqual(0);
    expect(product.stock).toBe(stock - sold);
  }
  const events = await sql.query(`SELECT count(*)::int AS n FROM event_log WHERE type = 'order.created'`);
  expect(events.rows[0].n).toBe(accepted.length);
  const lines = await sql.query<{ product_id: number; quantity: number }>(
    'SELECT product_id, sum(quantity)::int AS quantity FROM order_lines GROUP BY product_id ORDER BY product_id',
  );
  expect(lines.rows.map((line) => stock - line.quantity)).toEqual(rows.map((product) => product.stock));
});
