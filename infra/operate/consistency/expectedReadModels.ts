// What every read item should hold, recomputed from the write model's rows in PostgreSQL (not from
// the events): the independent answer the projections are checked against. Only the keys come from
// the projections (their stored format, written once there); the fields are typed by their items.
import type pg from 'pg';
import {
  customerValueKey,
  categoryRevenueKey,
  hourlySalesKey,
  productSalesKey,
  type AnalyticsItems,
} from '../../../functions/analytics/analyticsProjection.ts';
import {
  entityKey,
  ownerKey,
  type DirectoryItem,
  type EntityKind,
} from '../../../functions/directory/directoryProjection.ts';
import { accountKey, invoiceKey, type InvoiceItems } from '../../../functions/invoices/invoiceProjection.ts';
import type { ItemKey } from '../../../functions/projectors/projection.ts';

/** pk → sk → the fields the item must have (other fields are not compared). */
export type ExpectedItems = Map<string, Record<string, unknown>>;
export const itemId = (pk: string, sk: string) => `${pk} ${sk}`;

/** Expects these fields of the item at `key`; `Item` keeps their names and types the item's. */
const expectAt = <Item>(items: ExpectedItems, key: ItemKey, fields: { [Field in keyof Item]?: unknown }) =>
  items.set(itemId(key.pk, key.sk), fields);

const shippingAddress = (row: {
  address1: string;
  address2: string | null;
  city: string;
  state: string;
  zip: string;
}) => [row.address1, row.address2, row.city, `${row.state} ${row.zip}`].filter((part) => part).join(', ');

export async function expectedAnalytics(sql: pg.Pool): Promise<ExpectedItems> {
  const items: ExpectedItems = new Map();
  const products = await sql.query(`
    SELECT p.id, coalesce(sum(l.quantity), 0)::bigint AS quantity,
           coalesce(sum(l.quantity * l.unit_price_cents), 0)::bigint AS revenue, count(DISTINCT l.order_id)::int AS orders
    FROM products p LEFT JOIN order_lines l ON l.product_id = p.id GROUP BY p.id`);
  for (const row of products.rows) {
    expectAt<AnalyticsItems['productSales']>(items, productSalesKey(Number(row.id)), {
      totalQuantitySold: Number(row.quantity),
      revenueCents: Number(row.revenue),
      orderCount: row.orders,
    });
  }
  const categories = await sql.query(`
    SELECT p.category, sum(l.quantity * l.unit_price_cents)::bigint AS revenue, count(DISTINCT l.order_id)::int AS orders
    FROM order_lines l JOIN products p ON p.id = l.product_id GROUP BY p.category`);
  for (const row of categories.rows) {
    expectAt<AnalyticsItems['categoryRevenue']>(items, categoryRevenueKey(row.category), {
      revenueCents: Number(row.revenue),
      orderCount: row.orders,
    });
  }
  const customers = await sql.query(`
    SELECT customer_id, sum(total_cents)::bigint AS spent, count(*)::int AS orders, max(created_at) AS last
    FROM orders GROUP BY customer_id`);
  for (const row of customers.rows) {
    expectAt<AnalyticsItems['customerValue']>(items, customerValueKey(Number(row.customer_id)), {
      spentCents: Number(row.spent),
      orderCount: row.orders,
      lastOrderDate: (row.last as Date).toISOString(),
    });
  }
  const hours = await sql.query(`
    SELECT to_char(date_trunc('hour', created_at AT TIME ZONE 'UTC'), 'YYYY-MM-DD"T"HH24') AS hour,
           count(*)::int AS orders, sum(total_cents)::bigint AS revenue
    FROM orders GROUP BY 1`);
  for (const row of hours.rows) {
    expectAt<AnalyticsItems['hourlySales']>(items, hourlySalesKey(row.hour), {
      orderCount: row.orders,
      revenueCents: Number(row.revenue),
    });
  }
  return items;
}

export async function expectedInvoices(sql: pg.Pool): Promise<ExpectedItems> {
  const items: ExpectedItems = new Map();
  const users = await sql.query(`
    SELECT u.id, u.name, u.email, u.deleted_at IS NOT NULL AS deleted, a.address1, a.address2, a.city, a.state, a.zip
    FROM users u LEFT JOIN LATERAL (
      SELECT * FROM accounts WHERE accounts.user_id = u.id ORDER BY id DESC LIMIT 1
    ) a ON true`);
  for (const row of users.rows) {
    expectAt<InvoiceItems['account']>(items, accountKey(Number(row.id)), {
      name: row.name,
      email: row.email,
      deleted: row.deleted,
      shippingAddress: row.address1 === null ? null : shippingAddress(row),
    });
  }
  const invoices = await sql.query(`
    SELECT customer_id, extract(year FROM created_at AT TIME ZONE 'UTC')::int AS year,
           extract(month FROM created_at AT TIME ZONE 'UTC')::int AS month,
           sum(total_cents)::bigint AS total, array_agg(id ORDER BY id) AS order_ids
    FROM orders GROUP BY 1, 2, 3`);
  for (const row of invoices.rows) {
    const key = invoiceKey(Number(row.customer_id), row.year, row.month);
    expectAt<InvoiceItems['invoice'] & { orderIds: number[] }>(items, key, {
      totalCents: Number(row.total),
      // the invoice lists orders in the order their events were published; compared as a set
      // (compareReadModels.ts reads it from `orders`)
      orderIds: (row.order_ids as (string | number)[]).map(Number),
    });
  }
  return items;
}

export async function expectedDirectory(sql: pg.Pool): Promise<ExpectedItems> {
  const items: ExpectedItems = new Map();
  // the byOwner key each item must carry, none for nobody's
  const owned = (kind: EntityKind, owner: string | number | null) =>
    owner === null ? undefined : ownerKey(kind, owner);
  const expectEntity = (kind: EntityKind, id: unknown, fields: Record<string, unknown>) =>
    expectAt<DirectoryItem>(items, entityKey(kind, Number(id)), fields);
  const users = await sql.query(
    'SELECT id, name, email, owner_subject, deleted_at IS NOT NULL AS deleted FROM users',
  );
  for (const row of users.rows) {
    expectEntity(
      'USER',
      row.id,
      row.deleted
        ? { deleted: true, owner: undefined }
        : { kind: 'USER', name: row.name, email: row.email, owner: owned('USER', row.owner_subject) },
    );
  }
  const accounts = await sql.query('SELECT id, user_id, city FROM accounts');
  for (const row of accounts.rows) {
    expectEntity('ACCOUNT', row.id, {
      kind: 'ACCOUNT',
      userId: Number(row.user_id),
      city: row.city,
      owner: owned('ACCOUNT', Number(row.user_id)),
    });
  }
  const orders = await sql.query('SELECT id, customer_id, total_cents FROM orders');
  for (const row of orders.rows) {
    expectEntity('ORDER', row.id, {
      kind: 'ORDER',
      customerId: Number(row.customer_id),
      totalCents: Number(row.total_cents),
      owner: owned('ORDER', Number(row.customer_id)),
    });
  }
  const products = await sql.query('SELECT id, name, stock FROM products');
  for (const row of products.rows) {
    expectEntity('PRODUCT', row.id, { kind: 'PRODUCT', name: row.name, stock: row.stock });
  }
  const todos = await sql.query(
    'SELECT id, title, completed, owner_subject, deleted_at IS NOT NULL AS deleted FROM todos',
  );
  for (const row of todos.rows) {
    expectEntity(
      'TODO',
      row.id,
      row.deleted
        ? { deleted: true, owner: undefined }
        : {
            kind: 'TODO',
            title: row.title,
            completed: row.completed,
            owner: owned('TODO', row.owner_subject),
          },
    );
  }
  return items;
}
