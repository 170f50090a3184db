// Per-owner access with signing in on: two users and an administrator, each with a token of its own,
// through the typed client with every answer held to the OpenAPI document. A user reads and changes
// only what is its own, gets a 403 for anything else (and that changes nothing), and sees only its
// own in a list; an administrator reads and changes everything, and alone reads the shop's revenue
// (the revenue analytics and sync-status).
// The same flow runs through `npm run dev` with LOCAL_AUTH=on (the e2e tier) and through the packaged
// artifact as Lambda runs it (the cloud tier).
import { describe, expect, it } from 'vitest';
import type { CommerceClient } from '../../client/src/index.ts';
import { checkedClient } from './apiContract.ts';

export interface OwnerAccessStack {
  baseUrl: string;
  /** a token of the stack's issuer with these claims */
  tokenFor(claims: Record<string, unknown>): Promise<string>;
}

export function describeOwnerAccess(
  stack: () => OwnerAccessStack,
  adminClaims: Record<string, unknown>,
): void {
  const clients = new Map<string, CommerceClient>();
  /** one client per caller: each reads its own writes */
  const as = (subject: string, claims: Record<string, unknown> = {}) => {
    let client = clients.get(subject);
    if (!client) {
      const { baseUrl, tokenFor } = stack();
      client = checkedClient({
        baseUrl,
        readYourWrites: true,
        token: () => tokenFor({ sub: subject, ...claims }),
      });
      clients.set(subject, client);
    }
    return client;
  };
  const alice = () => as('owner-test-alice');
  const bob = () => as('owner-test-bob');
  const ops = () => as('owner-test-ops', adminClaims);
  const anonymous = () => checkedClient({ baseUrl: stack().baseUrl });
  const ids = { alice: 0, bob: 0, product: 0, aliceTodo: 0 };
  const month = () => {
    const now = new Date();
    return `${now.getUTCFullYear()}-${String(now.getUTCMonth() + 1).padStart(2, '0')}`;
  };
  const forbidden = (answer: { response: Response; error?: unknown }) =>
    [answer.response.status, (answer.error as { code?: string } | undefined)?.code] as const;

  describe('per-owner access, signed in', () => {
    it('ties a user to the subject that registers it, one user a subject', async () => {
      const registered = await alice().POST('/users', {
        body: { first_name: 'Alice', last_name: 'Owner', email: 'alice@owner.test' },
      });
      expect(registered.response.status).toBe(201);
      ids.alice = registered.data!.id;
      const bobs = await bob().POST('/system-api/users', {
        body: { name: 'Bob Owner', email: 'bob@owner.test' },
      });
      expect(bobs.response.status).toBe(201);
      ids.bob = (bobs.data as { id: number }).id;
      const again = await alice().POST('/users', {
        body: { first_name: 'Alice', last_name: 'Again', email: 'alice2@owner.test' },
      });
      expect([again.response.status, again.error?.code]).toEqual([409, 'subject_has_user']);
    });

    it('lets a user write only for its own user, and only an administrator add to the catalog', async () => {
      expect(
        (
          await alice().POST('/system-api/accounts', {
            body: { user_id: ids.alice, address1: '1 Own St', city: 'Mine', state: 'MI', zip: '11111' },
          })
        ).response.status,
      ).toBe(201);
      const othersAccount = await alice().POST('/system-api/accounts', {
        body: { user_id: ids.bob, address1: '2 Other St', city: 'Theirs', state: 'TH', zip: '22222' },
      });
      expect([...forbidden(othersAccount), othersAccount.error?.field]).toEqual([
        403,
        'forbidden',
        'user_id',
      ]);
      expect(
        (
          await alice().POST('/order-service/orders', {
            body: { user_id: ids.alice, amount: 50, description: 'Mine' },
          })
        ).response.status,
      ).toBe(201);
      expect(
        forbidden(
          await alice().POST('/order-service/orders', {
            body: { user_id: ids.bob, amount: 1, description: 'Not mine' },
          }),
        ),
      ).toEqual([403, 'forbidden']);
      expect(
        (
          await bob().POST('/order-service/orders', {
            body: { user_id: ids.bob, amount: 20, description: 'Bob’s' },
          })
        ).response.status,
      ).toBe(201);

      const product = { name: 'Owner Lamp', category: 'OwnerTest', price: 10, stock: 5 };
      expect(forbidden(await alice().POST('/api/products', { body: product }))).toEqual([403, 'forbidden']);
      const added = await ops().POST('/api/products', { body: product });
      expect(added.response.status).toBe(201);
      ids.product = added.data!.productId;
      const items = [{ productId: ids.product, quantity: 1 }];
      expect(
        (await alice().POST('/api/orders', { body: { customerId: ids.alice, items } })).response.status,
      ).toBe(201);
      expect(forbidden(await alice().POST('/api/orders', { body: { customerId: ids.bob, items } }))).toEqual([
        403,
        'forbidden',
      ]);
      // the refused order took no stock: 5 less alice's one
      const sales = await ops().GET('/api/analytics/products/{id}/sales', {
        params: { path: { id: String(ids.product) } },
        headers: { 'X-Min-Position': String(alice().lastEventPosition()) },
      });
      expect(sales.data).toMatchObject({ totalQuantitySold: 1, orderCount: 1 });
    });

    it('lets a user read its own user, accounts, orders, invoices and lifetime value, and nobody else’s', async () => {
      const own = { params: { path: { id: String(ids.alice) } } };
      const others = { params: { path: { id: String(ids.bob) } } };
      expect((await alice().GET('/users/{id}', own)).data).toMatchObject({
        id: ids.alice,
        first_name: 'Alice',
      });
      expect(forbidden(await alice().GET('/users/{id}', others))).toEqual([403, 'forbidden']);
      // an id nobody has is nobody's: the same 403, so a user cannot probe which ids exist
      expect(forbidden(await alice().GET('/users/{id}', { params: { path: { id: '999999' } } }))).toEqual([
        403,
        'forbidden',
      ]);
      expect((await alice().GET('/users')).data?.map((user) => user.id)).toEqual([ids.alice]);
      expect((await alice().GET('/system-api/users')).data?.map((user) => user.id)).toEqual([ids.alice]);
      expect((await alice().GET('/system-api/accounts')).data?.map((account) => account.user_id)).toEqual([
        ids.alice,
      ]);
      const orders = (await alice().GET('/order-service/orders')).data ?? [];
      expect(orders.map((order) => order.user_id)).toEqual([ids.alice, ids.alice]);

      const invoices = await alice().GET('/invoice-service/invoices');
      expect((invoices.data as { user_id: number }[]).map((invoice) => invoice.user_id)).toEqual([ids.alice]);
      expect(
        forbidden(
          await alice().GET('/invoice-service/invoices', { params: { query: { user_id: String(ids.bob) } } }),
        ),
      ).toEqual([403, 'forbidden']);
      const byId = (id: number) => ({ params: { path: { id: `${id}-${month()}` } } });
      expect((await alice().GET('/invoice-service/invoices/{id}', byId(ids.alice))).data?.total).toBe(60);
      expect(forbidden(await alice().GET('/invoice-service/invoices/{id}', byId(ids.bob)))).toEqual([
        403,
        'forbidden',
      ]);
      expect((await alice().GET('/api/analytics/customers/{id}/lifetime-value', own)).data?.totalSpent).toBe(
        60,
      );
      expect(forbidden(await alice().GET('/api/analytics/customers/{id}/lifetime-value', others))).toEqual([
        403,
        'forbidden',
      ]);
    });

    it('keeps an Idempotency-Key to the caller that sent it', async () => {
      const retry = { body: { title: 'Same key' }, headers: { 'Idempotency-Key': 'owner-test-key' } };
      const first = await alice().POST('/todos', retry);
      const again = await alice().POST('/todos', retry);
      expect(again.response.headers.get('idempotent-replayed')).toBe('true');
      expect(again.data).toEqual(first.data);
      // the same key and body from another caller: a write of its own, not alice's answer
      const bobs = await bob().POST('/todos', retry);
      expect(bobs.response.status).toBe(201);
      expect(bobs.response.headers.get('idempotent-replayed')).toBeNull();
      expect(bobs.data?.id).not.toBe(first.data?.id);
      // gone again, so that the lists below hold what they say
      await alice().DELETE('/todos/{id}', { params: { path: { id: String(first.data!.id) } } });
      await bob().DELETE('/todos/{id}', { params: { path: { id: String(bobs.data!.id) } } });
    });

    it('keeps each subject’s todos its own', async () => {
      const created = await alice().POST('/todos', { body: { title: 'Alice’s errand' } });
      ids.aliceTodo = created.data!.id;
      const todo = { params: { path: { id: String(ids.aliceTodo) } } };
      expect((await bob().GET('/todos')).data?.map((listed) => listed.id)).not.toContain(ids.aliceTodo);
      expect(forbidden(await bob().POST('/todos/{id}/complete', todo))).toEqual([403, 'forbidden']);
      expect(forbidden(await bob().DELETE('/todos/{id}', todo))).toEqual([403, 'forbidden']);
      expect((await alice().POST('/todos/{id}/complete', todo)).response.status).toBe(200);
      expect((await alice().GET('/todos')).data).toEqual([
        { id: ids.aliceTodo, title: 'Alice’s errand', completed: true },
      ]);
    });

    it('lets nobody but the owner change a user', async () => {
      const aliceUser = { params: { path: { id: String(ids.alice) } } };
      expect(
        forbidden(
          await bob().PUT('/users/{id}', {
            ...aliceUser,
            body: { first_name: 'Mallory', last_name: 'X', email: 'mallory@owner.test' },
          }),
        ),
      ).toEqual([403, 'forbidden']);
      expect(forbidden(await bob().DELETE('/users/{id}', aliceUser))).toEqual([403, 'forbidden']);
      expect((await alice().GET('/users/{id}', aliceUser)).data?.first_name).toBe('Alice');
    });

    it('lets an administrator read and change everything, but order only for a user', async () => {
      // an order for an id nobody has yet would become whoever registers it next
      const nobodys = await ops().POST('/api/orders', {
        body: { customerId: 999_999, items: [{ productId: ids.product, quantity: 1 }] },
      });
      expect([nobodys.response.status, nobodys.error?.code]).toEqual([404, 'user_not_found']);
      const users = (
        await ops().GET('/users', { headers: { 'X-Min-Position': String(alice().lastEventPosition()) } })
      ).data;
      expect(users?.map((user) => user.id)).toEqual(expect.arrayContaining([ids.alice, ids.bob]));
      expect(
        (await ops().GET('/users/{id}', { params: { path: { id: String(ids.bob) } } })).response.status,
      ).toBe(200);
      expect((await ops().GET('/todos')).data?.map((listed) => listed.id)).toContain(ids.aliceTodo);
      const bobsInvoices = await ops().GET('/invoice-service/invoices', {
        params: { query: { user_id: String(ids.bob) } },
        headers: { 'X-Min-Position': String(bob().lastEventPosition()) },
      });
      expect((bobsInvoices.data as { total: number }[]).map((invoice) => invoice.total)).toEqual([20]);
      expect(
        (await ops().DELETE('/todos/{id}', { params: { path: { id: String(ids.aliceTodo) } } })).response
          .status,
      ).toBe(200);
    });

    it('frees the subject when its user is deleted', async () => {
      const aliceUser = { params: { path: { id: String(ids.alice) } } };
      expect((await alice().DELETE('/users/{id}', aliceUser)).response.status).toBe(204);
      const again = await alice().POST('/users', {
        body: { first_name: 'Alice', last_name: 'Returns', email: 'alice3@owner.test' },
      });
      expect(again.response.status).toBe(201);
    });

    it('keeps the revenue analytics and sync-status for administrators', async () => {
      const product = { params: { path: { id: String(ids.product) } } };
      expect((await ops().GET('/api/analytics/products/{id}/sales', product)).response.status).toBe(200);
      expect((await ops().GET('/api/analytics/sync-status')).response.status).toBe(200);
      expect(forbidden(await alice().GET('/api/analytics/products/{id}/sales', product))).toEqual([
        403,
        'forbidden',
      ]);
      expect(forbidden(await alice().GET('/api/analytics/sync-status'))).toEqual([403, 'forbidden']);
      const refused = await anonymous().GET('/api/analytics/products/{id}/sales', product);
      expect([refused.response.status, refused.error?.code]).toEqual([401, 'missing_token']);
    });
  });
}
