// Each seed's documented flow, reading right after writing with X-Min-Position: the results the seeds
// document, from the DynamoDB read models. The same flows run through `npm run dev` (the e2e tier) and
// through the packaged artifact as Lambda runs it (the cloud tier).
import { describe, expect, it } from 'vitest';

export interface SeedFlowStack {
  baseUrl: string;
  /** the Authorization header for protected routes, where the stack checks tokens */
  authorization?: () => Promise<string>;
}

/** Registers the seeds' flows against the stack `stack()` returns when they run. */
export function describeSeedFlows(stack: () => SeedFlowStack): void {
  /** The position of the last write, sent with every read so that reads see the writes before them. */
  let lastPosition = '0';

  async function send(method: string, path: string, body?: unknown) {
    const { baseUrl, authorization } = stack();
    const response = await fetch(`${baseUrl}${path}`, {
      method,
      headers: {
        ...(authorization ? { Authorization: await authorization() } : {}),
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...(method === 'GET' ? { 'X-Min-Position': lastPosition } : {}),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    lastPosition = response.headers.get('x-event-position') ?? lastPosition;
    // a 400 is refused before any waiting
    if (method === 'GET' && response.status !== 400)
      expect(response.headers.get('x-consistency')).toBe('fresh');
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined };
  }

  describe('the analytics testing guide', () => {
    it('gives the documented figures', async () => {
      expect(
        await send('POST', '/api/products', {
          name: 'Wireless Mouse',
          category: 'Electronics',
          price: 29.99,
          stock: 100,
        }),
      ).toEqual({ status: 201, body: { productId: 1 } });
      expect(
        await send('POST', '/api/orders', {
          customerId: 50,
          items: [{ productId: 1, quantity: 3, price: 29.99 }],
        }),
      ).toEqual({ status: 201, body: { orderId: 1 } });
      expect(await send('GET', '/api/analytics/products/1/sales')).toEqual({
        status: 200,
        body: { productId: 1, totalQuantitySold: 3, totalRevenue: 89.97, orderCount: 1 },
      });
      expect(await send('GET', '/api/analytics/categories/Electronics/revenue')).toEqual({
        status: 200,
        body: { category: 'Electronics', totalRevenue: 89.97, totalOrders: 1 },
      });
      const lifetime = await send('GET', '/api/analytics/customers/50/lifetime-value');
      expect(lifetime.body).toMatchObject({ customerId: 50, totalSpent: 89.97, orderCount: 1 });
      expect(Date.now() - Date.parse(lifetime.body.lastOrderDate)).toBeLessThan(60_000);
      const hour = lifetime.body.lastOrderDate.slice(0, 13);
      expect((await send('GET', `/api/analytics/hours/${hour}/sales`)).body).toEqual({
        hour: `${hour}:00:00.000Z`,
        totalOrders: 1,
        totalRevenue: 89.97,
      });
      const sync = await send('GET', '/api/analytics/sync-status');
      expect(sync.body).toMatchObject({
        lastProcessedEventTimestamp: lifetime.body.lastOrderDate,
        lagSeconds: 0,
      });
      expect(sync.body.projectors.analytics).toMatchObject({ eventsBehind: 0, parkedCount: 0 });
    });

    it('answers 404 for what does not exist', async () => {
      expect((await send('GET', '/api/analytics/products/999/sales')).status).toBe(404);
      expect((await send('GET', '/api/analytics/customers/999/lifetime-value')).status).toBe(404);
      expect((await send('GET', '/api/analytics/categories/Nothing/revenue')).status).toBe(404);
    });
  });

  describe('the invoice demo, steps 1 to 4', () => {
    it('builds the monthly invoice with the account copy', async () => {
      expect(
        (await send('POST', '/system-api/users', { name: 'Alice', email: 'alice@demo.com' })).body,
      ).toMatchObject({ id: 1 });
      await send('POST', '/system-api/accounts', {
        user_id: 1,
        address1: '123 Main St',
        city: 'Cityville',
        state: 'ST',
        zip: '12345',
      });
      for (const description of ['Widget', 'Gadget', 'Gizmo']) {
        await send('POST', '/order-service/orders', { user_id: 1, amount: 50, description });
      }
      const now = new Date();
      const month = now.getUTCMonth() + 1;
      const year = now.getUTCFullYear();
      const invoice = await send('GET', `/invoice-service/invoices?user_id=1&month=${month}&year=${year}`);
      expect(invoice.body).toMatchObject({
        invoice_id: `1-${year}-${String(month).padStart(2, '0')}`,
        user_id: 1,
        email: 'alice@demo.com',
        shipping_address: '123 Main St, Cityville, ST 12345',
        invoice_dt: `${year}-${String(month).padStart(2, '0')}-01T00:00:00Z`,
        total: 150,
      });
      expect(
        invoice.body.orders.map((order: { description: string; amount: number }) => [
          order.description,
          order.amount,
        ]),
      ).toEqual([
        ['Widget', 50],
        ['Gadget', 50],
        ['Gizmo', 50],
      ]);
      expect((await send('GET', `/invoice-service/invoices/${invoice.body.invoice_id}`)).body).toEqual(
        invoice.body,
      );
      expect((await send('GET', '/invoice-service/invoices?user_id=1&month=4&year=2025')).status).toBe(404);
      expect((await send('GET', '/system-api/users?order_by=-id&limit=1')).body).toMatchObject([
        { id: 1, email: 'alice@demo.com' },
      ]);
      expect((await send('GET', '/order-service/orders?order_by=amount')).body).toHaveLength(4);
      expect((await send('GET', '/system-api/users?order_by=password')).status).toBe(400);
    });
  });

  describe('the todo demo', () => {
    it('lists the todo it created', async () => {
      expect((await send('POST', '/todos', { title: 'Learn CQRS' })).body).toEqual({
        message: 'Todo created successfully.',
        id: 1,
      });
      expect(await send('GET', '/todos')).toEqual({
        status: 200,
        body: [{ id: 1, title: 'Learn CQRS', completed: false }],
      });
      await send('POST', '/todos/1/complete');
      expect((await send('GET', '/todos')).body).toEqual([{ id: 1, title: 'Learn CQRS', completed: true }]);
    });
  });

  describe('the users demo', () => {
    it('reads back what it creates, updates and deletes', async () => {
      const created = await send('POST', '/users', {
        first_name: 'Grace',
        last_name: 'Hopper',
        email: 'grace@navy.mil',
      });
      const id = created.body.id as number;
      expect(await send('GET', `/users/${id}`)).toEqual({
        status: 200,
        body: { id, first_name: 'Grace', last_name: 'Hopper', email: 'grace@navy.mil' },
      });
      await send('PUT', `/users/${id}`, {
        first_name: 'Grace',
        last_name: 'Hopper',
        email: 'grace@hopper.dev',
      });
      expect((await send('GET', `/users/${id}`)).body.email).toBe('grace@hopper.dev');
      expect((await send('GET', '/users')).body.map((user: { id: number }) => user.id)).toEqual([1, id]);
      await send('DELETE', `/users/${id}`);
      expect((await send('GET', `/users/${id}`)).status).toBe(404);
    });
  });
}
