// POST /api/orders {customerId, items:[{productId, quantity, price}]} → 201 {orderId}
// Stock is checked and reserved in the order's transaction, under row locks taken in id order.
import { commandHandler } from '../../shared/commands/commandHandler.ts';
import { requireUserForWrite } from '../../users/userAccess.ts';
import { lockProducts, takeStock } from '../../products/productStore.ts';
import { placeCatalogOrderRoute } from '../api.ts';
import { orderCreated, priceCatalogOrder, requestedProducts } from '../order.ts';
import { insertOrder } from '../orderStore.ts';

export const handler = commandHandler(placeCatalogOrderRoute, async ({ body, caller }, sql, now) => {
  // signing in off, a customer need not be a user (the analytics seed has none); on, it must be one
  await requireUserForWrite(sql, caller, body.customerId, 'customerId');
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
});
