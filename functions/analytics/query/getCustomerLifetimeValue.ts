// GET /api/analytics/customers/{id}/lifetime-value → {customerId, totalSpent, orderCount, lastOrderDate}
import { requireUserForRead } from '../../directory/query/callerScope.ts';
import { NotFoundError } from '../../shared/errors.ts';
import { fromCents } from '../../shared/money.ts';
import { queryHandler } from '../../shared/queries/queryHandler.ts';
import { customerValueKey, type CustomerLifetimeValue } from '../analyticsProjection.ts';
import { getCustomerLifetimeValueRoute } from '../api.ts';
import { readAnalyticsItem } from './analyticsReader.ts';

export const handler = queryHandler(getCustomerLifetimeValueRoute, async ({ params, caller }) => {
  // a signed-in customer reads only its own (a customer id is a user id)
  await requireUserForRead(caller, params.id, 'id');
  const value = await readAnalyticsItem<CustomerLifetimeValue>(customerValueKey(params.id));
  if (!value) throw new NotFoundError('customer_not_found', `customer ${params.id} has no order`, 'id');
  return {
    statusCode: 200,
    body: {
      customerId: value.customerId,
      totalSpent: fromCents(value.spentCents),
      orderCount: value.orderCount,
      lastOrderDate: value.lastOrderDate,
    },
  };
});
