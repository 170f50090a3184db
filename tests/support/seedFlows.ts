// Each seed's documented flow, reading right after writing: the results the seeds document, from the
// DynamoDB read models. The flows drive the API with its typed client (client/), which remembers the
// position of the last write and sends it with every read, and every answer is held to the OpenAPI
// document (apiContract.ts). The same flows run through `npm run dev` (the e2e tier) and through the
// packaged artifact as Lambda runs it (the cloud tier).
import { describe, expect, it } from 'vitest';
import type { CommerceClient } from '../../client/src/index.ts';
import { checkedClient } from './apiContract.ts';

export interface SeedFlowStack {
  baseUrl: string;
  /**
   * The Authorization header for protected routes, where the stack checks tokens: an administrator's,
   * who orders for customers. Signed in, a customer must be a user, so the analytics flow registers
   * its customer first (the seed's customer 50 has no user).
   */
  authorization?: () => Promise<string>;
}

/** Registers the seeds' flows against the stack `stack()` returns when they run. */
export function describeSeedFlows(stack: () => SeedFlowStack): void {
  let client: CommerceClient | undefined;
  /** one client for the whole flow: it carries the position of the last write to every read */
  const api = () => {
    if (client) return client;
    const { baseUrl, authorization } = stack();
    client = checkedClient({
      baseUrl,
      readYourWrites: true,
      ...(authorization && { token: async () => (await authorization()).replace(/^Bearer /, '') }),
    });
    // every read got to the writes before it (a 400 is refused before any waiting)
    client.use({
      onResponse({ request, response }) {
        if (request.method === 'GET' && response.status !== 400 && request.headers.has('X-Min-Position'))
          expect(response.headers.get('x-consistency'), request.url).toBe('fresh');
        return response;
      },
    });
    return client;
  };
  /** the ids the flows got, for the flows after them */
  const ids = { customer: 50, alice: 0 };
  const month = () => {
    const now = new Date();
    return { month: now.getUTCMonth() + 1, year: now.getUTCFullYear() };
  };

  describe('the analytics testing guide', () => {
    it('gives the documented figures', async () => {
      if (stack().authorization) {
        const customer = await api().POST('/system-api/users', {
          body: { name: 'Customer Fifty', email: 'customer50@demo.com' },
        });
        ids.customer = (customer.data as { id: number }).id;
      }
      const product = await api().POST('/api/products', {
        body: { name: 'Wireless Mouse', category: 'Electronics', price: 29.99, stock: 100 },
      });
      expect([product.response.status, product.data]).toEqual([201, { productId: 1 }]);
      const order = await api().POST('/api/orders', {
        body: { customerId: ids.customer, items: [{ productId: 1, quantity: 3, price: 29.99 }] },
      });
      expect([order.response.status, order.data]).toEqual([201, { orderId: 1 }]);

      const sales = await api().GET('/api/analytics/products/{id}/sales', { params: { path: { id: '1' } } });
      expect(sales.data).toEqual({ productId: 1, totalQuantitySold: 3, totalRevenue: 89.97, orderCount: 1 });
      const revenue = await api().GET('/api/analytics/categories/{category}/revenue', {
        params: { path: { category: 'Electronics' } },
      });
      expect(revenue.data).toEqual({ category: 'Electronics', totalRevenue: 89.97, totalOrders: 1 });
      const lifetime = await api().GET('/api/analytics/customers/{id}/lifetime-value', {
        params: { path: { id: String(ids.customer) } },
      });
      expect(lifetime.data).toMatchObject({ customerId: ids.customer, totalSpent: 89.97, orderCount: 1 });
      const lastOrderDate = lifetime.data!.lastOrderDate;
      expect(Date.now() - Date.parse(lastOrderDate)).toBeLessThan(60_000);
      const hour = lastOrderDate.slice(0, 13);
      const hourly = await api().GET('/api/analytics/hours/{hour}/sales', { params: { path: { hour } } });
      expect(hourly.data).toEqual({ hour: `${hour}:00:00.000Z`, totalOrders: 1, totalRevenue: 89.97 });
      const sync = await api().GET('/api/analytics/sync-status');
      expect(sync.data).toMatchObject({ lastProcessedEventTimestamp: lastOrderDate, lagSeconds: 0 });
      expect(sync.data!.projectors.analytics).toMatchObject({ eventsBehind: 0, parkedCount: 0 });
    });

    it('answers 404 for what does not exist', async () => {
      const missing = [
        await api().GET('/api/analytics/products/{id}/sales', { params: { path: { id: '999' } } }),
        await api().GET('/api/analytics/customers/{id}/lifetime-value', { params: { path: { id: '999' } } }),
        await api().GET('/api/analytics/categories/{category}/revenue', {
          params: { path: { category: 'Nothing' } },
        }),
      ];
      expect(missing.map(({ response, error }) => [response.status, error?.code])).toEqual([
        [404, 'product_not_found'],
        [404, 'customer_not_found'],
        [404, 'category_not_found'],
      ]);
    });
  });

  describe('the invoice demo, steps 1 to 4', () => {
    it('builds the monthly invoice with the account copy', async () => {
      const alice = await api().POST('/system-api/users', {
        body: { name: 'Alice', email: 'alice@demo.com' },
      });
      expect(alice.data).toMatchObject({ name: 'Alice', email: 'alice@demo.com' });
      ids.alice = (alice.data as { id: number }).id;
      const user_id = ids.alice;
      await api().POST('/system-api/accounts', {
        body: { user_id, address1: '123 Main St', city: 'Cityville', state: 'ST', zip: '12345' },
      });
      for (const description of ['Widget', 'Gadget', 'Gizmo']) {
        await api().POST('/order-service/orders', { body: { user_id, amount: 50, description } });
      }
      const { month: now, year } = month();
      const mm = String(now).padStart(2, '0');
      const found = await api().GET('/invoice-service/invoices', {
        params: { query: { user_id: String(user_id), month: String(now), year: String(year) } },
      });
      const invoice = found.data as Exclude<typeof found.data, unknown[] | undefined>;
      expect(invoice).toMatchObject({
        invoice_id: `${user_id}-${year}-${mm}`,
        user_id,
        email: 'alice@demo.com',
        shipping_address: '123 Main St, Cityville, ST 12345',
        invoice_dt: `${year}-${mm}-01T00:00:00Z`,
        total: 150,
      });
      expect(invoice.orders.map((order) => [order.description, order.amount])).toEqual([
        ['Widget', 50],
        ['Gadget', 50],
        ['Gizmo', 50],
      ]);
      const byId = await api().GET('/invoice-service/invoices/{id}', {
        params: { path: { id: invoice.invoice_id } },
      });
      expect(byId.data).toEqual(invoice);
      const april = await api().GET('/invoice-service/invoices', {
        params: { query: { user_id: String(user_id), month: '4', year: '2025' } },
      });
      expect(april.response.status).toBe(404);
      const users = await api().GET('/system-api/users', {
        params: { query: { order_by: '-id', limit: '1' } },
      });
      expect(users.data).toMatchObject([{ id: user_id, email: 'alice@demo.com' }]);
      const orders = await api().GET('/order-service/orders', { params: { query: { order_by: 'amount' } } });
      expect(orders.data).toHaveLength(4);
      const refused = await api().GET('/system-api/users', { params: { query: { order_by: 'password' } } });
      expect([refused.response.status, refused.error?.field]).toEqual([400, 'order_by']);
    });
  });

  describe('the todo demo', () => {
    it('lists the todo it created', async () => {
      const created = await api().POST('/todos', { body: { title: 'Learn CQRS' } });
      expect(created.data).toEqual({ message: 'Todo created successfully.', id: 1 });
      const todos = await api().GET('/todos');
      expect([todos.response.status, todos.data]).toEqual([
        200,
        [{ id: 1, title: 'Learn CQRS', completed: false }],
      ]);
      await api().POST('/todos/{id}/complete', { params: { path: { id: '1' } } });
      expect((await api().GET('/todos')).data).toEqual([{ id: 1, title: 'Learn CQRS', completed: true }]);
    });
  });

  describe('the users demo', () => {
    it('reads back what it creates, updates and deletes', async () => {
      const created = await api().POST('/users', {
        body: { first_name: 'Grace', last_name: 'Hopper', email: 'grace@navy.mil' },
      });
      const id = String(created.data!.id);
      const user = { params: { path: { id } } };
      const read = await api().GET('/users/{id}', user);
      expect([read.response.status, read.data]).toEqual([
        200,
        { id: Number(id), first_name: 'Grace', last_name: 'Hopper', email: 'grace@navy.mil' },
      ]);
      await api().PUT('/users/{id}', {
        ...user,
        body: { first_name: 'Grace', last_name: 'Hopper', email: 'grace@hopper.dev' },
      });
      expect((await api().GET('/users/{id}', user)).data?.email).toBe('grace@hopper.dev');
      const listed = (await api().GET('/users')).data?.map((found) => found.id) ?? [];
      expect(listed).toEqual(expect.arrayContaining([ids.alice, Number(id)]));
      expect(listed).toEqual([...listed].sort((a, b) => a - b));
      expect((await api().DELETE('/users/{id}', user)).response.status).toBe(204);
      const gone = await api().GET('/users/{id}', user);
      expect([gone.response.status, gone.error?.code]).toEqual([404, 'user_not_found']);
    });
  });
}
