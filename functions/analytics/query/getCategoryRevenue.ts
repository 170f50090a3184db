// GET /api/analytics/categories/{category}/revenue → {category, totalRevenue, totalOrders}
import { z } from 'zod';
import { NotFoundError } from '../../shared/errors.ts';
import { text } from '../../shared/http/fields.ts';
import { fromCents } from '../../shared/money.ts';
import { queryRoute } from '../../shared/queries/queryRoute.ts';
import { categoryRevenueKey, type CategoryRevenue } from '../analyticsProjection.ts';
import { readAnalyticsItem } from './analyticsReader.ts';

export const handler = queryRoute(
  'analytics',
  { access: 'public', params: z.object({ category: text(100) }) },
  async ({ params }) => {
    const revenue = await readAnalyticsItem<CategoryRevenue>(categoryRevenueKey(params.category));
    if (!revenue) {
      throw new NotFoundError(
        'category_not_found',
        `no order in category ${params.category} yet`,
        'category',
      );
    }
    return {
      statusCode: 200,
      body: {
        category: revenue.category,
        totalRevenue: fromCents(revenue.revenueCents),
        totalOrders: revenue.orderCount,
      },
    };
  },
);
