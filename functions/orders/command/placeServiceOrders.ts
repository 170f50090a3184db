// POST /order-service/orders {user_id, amount, description} or an array → 201 the created order(s)
import { commandHandler } from '../../shared/commands/commandHandler.ts';
import { requireUserForWrite } from '../../users/userAccess.ts';
import { fromCents } from '../../shared/money.ts';
import { placeServiceOrdersRoute } from '../api.ts';
import { orderCreated, serviceOrder, type Order } from '../order.ts';
import { insertOrder } from '../orderStore.ts';

const asServiceOrder = (order: Order) => ({
  id: order.id,
  user_id: order.customerId,
  amount: fromCents(order.totalCents),
  description: order.description,
  created_at: order.createdAt.toISOString(),
});

export const handler = commandHandler(placeServiceOrdersRoute, async ({ body, caller }, sql, now) => {
  const orders = [];
  for (const [index, item] of body.items.entries()) {
    await requireUserForWrite(sql, caller, item.user_id, body.isArray ? `[${index}].user_id` : 'user_id');
    orders.push(await insertOrder(sql, serviceOrder(item.user_id, item.amount, item.description), now));
  }
  const created = orders.map(asServiceOrder);
  return { statusCode: 201, body: body.isArray ? created : created[0], events: orders.map(orderCreated) };
});
