// GET /order-service/orders?limit&offset&order_by&cursor → [{id, user_id, amount, description, created_at}]
// Every order the caller may see, whichever dialect placed it: one order model serves /order-service
// and /api.
import { listServiceOrdersRoute } from '../../orders/api.ts';
import { fromCents } from '../../shared/money.ts';
import { queryHandler } from '../../shared/queries/queryHandler.ts';
import { listScope } from './callerScope.ts';
import type { StoredOrder } from './directoryItems.ts';
import { entityList } from './listEntities.ts';

const listServiceOrders = entityList((order: StoredOrder) => ({
  id: order.id,
  user_id: order.customerId,
  amount: fromCents(order.totalCents),
  description: order.description,
  created_at: order.createdAt,
}));

export const handler = queryHandler(listServiceOrdersRoute, async ({ query, caller }) =>
  listServiceOrders(query, await listScope(caller, 'ORDER')),
);
