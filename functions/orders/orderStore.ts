// The orders and order_lines tables.
import type { Sql } from '../shared/postgres.ts';
import type { Order, PricedOrder } from './order.ts';

/** `placedAt` is the command's clock, the same instant as its event's occurredAt. */
export async function insertOrder(sql: Sql, order: PricedOrder, placedAt: Date): Promise<Order> {
  const { rows } = await sql.query<{ id: number }>(
    'INSERT INTO orders (customer_id, description, total_cents, created_at) VALUES ($1, $2, $3, $4) RETURNING id',
    [order.customerId, order.description, order.totalCents, placedAt],
  );
  const { id } = rows[0]!;
  await sql.query(
    `INSERT INTO order_lines (order_id, line_no, product_id, description, quantity, unit_price_cents)
     SELECT $1, line_no, product_id, description, quantity, unit_price_cents
     FROM unnest($2::bigint[], $3::text[], $4::int[], $5::bigint[]) WITH ORDINALITY
       AS l(product_id, description, quantity, unit_price_cents, line_no)`,
    [
      id,
      order.lines.map((line) => line.productId),
      order.lines.map((line) => line.description),
      order.lines.map((line) => line.quantity),
      order.lines.map((line) => line.unitPriceCents),
    ],
  );
  return { ...order, id, createdAt: placedAt };
}
