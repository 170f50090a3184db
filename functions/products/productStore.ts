// The products table: the catalog and its stock.
import type { Sql } from '../shared/postgres.ts';
import type { Product } from './product.ts';

const PRODUCT_COLUMNS = 'id, name, category, price_cents AS "priceCents", stock';

export async function insertProduct(sql: Sql, product: Omit<Product, 'id'>): Promise<Product> {
  const { rows } = await sql.query<Product>(
    `INSERT INTO products (name, category, price_cents, stock) VALUES ($1, $2, $3, $4) RETURNING ${PRODUCT_COLUMNS}`,
    [product.name, product.category, product.priceCents, product.stock],
  );
  return rows[0]!;
}

/**
 * Locks the products in ascending id order, whatever order the order lists them in: every
 * transaction takes its row locks in the same global order, so orders cannot deadlock.
 */
export async function lockProducts(sql: Sql, ids: readonly number[]): Promise<Map<number, Product>> {
  const { rows } = await sql.query<Product>(
    `SELECT ${PRODUCT_COLUMNS} FROM products WHERE id = ANY($1::bigint[]) ORDER BY id FOR UPDATE`,
    [ids],
  );
  return new Map(rows.map((product) => [product.id, product]));
}

/** Takes reserved quantities out of stock; the rows are already locked by lockProducts. */
export async function takeStock(sql: Sql, reservations: readonly { productId: number; quantity: number }[]) {
  await sql.query(
    `UPDATE products SET stock = products.stock - r.quantity
     FROM unnest($1::bigint[], $2::int[]) AS r(id, quantity) WHERE products.id = r.id`,
    [reservations.map((r) => r.productId), reservations.map((r) => r.quantity)],
  );
}
