// GET /api/analytics/categories/{category}/revenue → {category, totalRevenue, totalOrders}
import { NotFoundError } from '../../shared/errors.ts';
import { fromCents } from '../../shared/money.ts';
import { queryHandler } from '../../shared/queries/queryHandler.ts';
import { categoryRevenueKey, type CategoryRevenue } from '../analyticsProjection.ts';
import { getCategoryRevenueRoute } from '../api.ts';
import { readAnalyticsItem } from './analyticsReader.ts';

export const handler = queryHandler(getCategoryRevenueRoute, async ({ params }) => {
  const revenue = await readAnalyticsItem<CategoryRevenue>(categoryRevenueKey(params.category));
  if (!revenue) {
    throw new NotFoundError('category_not_found', `no order in category ${params.category} yet`, 'category');
  }
  return {
    statusCode: 200,
    body: {
      category: revenue.category,
      totalRevenue: fromCents(revenue.revenueCents),
      totalOrders: revenue.orderCount,
    },
  };
});
