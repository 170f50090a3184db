// POST /api/orders {customerId, items:[{productId, quantity, price}]} → 201 {orderId}
// Stock is checked and reserved in the order's transaction, under row locks taken in id order.
import { z } from 'zod';
import { commandRoute } from '../../shared/commands/commandRoute.ts';
import { id, money } from '../../shared/http/fields.ts';
import { lockProducts, takeStock } from '../../products/productStore.ts';
import { orderCreated, priceCatalogOrder, requestedProducts } from '../order.ts';
import { insertOrder } from '../orderStore.ts';

export const catalogOrderBody = z.strictObject({
  customerId: id,
  items: z
    .array(
      z.strictObject({
        productId: id,
        quantity: z.int('must be an integer').positive('must be at least 1').max(10_000),
        /** accepted for the analytics seed's clients; the catalog price is the one charged */
        price: money.optional(),
      }),
    )
    .min(1, 'must hold at least one item')
    .max(100, 'must hold at most 100 items'),
});

export const handler = commandRoute(
  { route: 'POST /api/orders', body: catalogOrderBody },
  async ({ body }, sql, now) => {
    const wanted = requestedProducts(body.items);
    const catalog = await lockProducts(
      sql,
      wanted.map((item) => item.productId),
    );
    const priced = priceCatalogOrder(body.customerId, body.items, catalog);
    await takeStock(
      sql,
      wanted.map(({ productId, quantity }) => ({ productId, quantity })),
    );
    const order = await insertOrder(sql, priced, now);
    return { statusCode: 201, body: { orderId: order.id }, events: [orderCreated(order)] };
  },
);
