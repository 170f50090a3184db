// GET /api/analytics/products/{id}/sales → {productId, totalQuantitySold, totalRevenue, orderCount}
import { NotFoundError } from '../../shared/errors.ts';
import { fromCents } from '../../shared/money.ts';
import { queryHandler } from '../../shared/queries/queryHandler.ts';
import { productSalesKey, type ProductSales } from '../analyticsProjection.ts';
import { getProductSalesRoute } from '../api.ts';
import { readAnalyticsItem } from './analyticsReader.ts';

export const handler = queryHandler(getProductSalesRoute, async ({ params }) => {
  const sales = await readAnalyticsItem<ProductSales>(productSalesKey(params.id));
  if (!sales) throw new NotFoundError('product_not_found', `product ${params.id} does not exist`, 'id');
  return {
    statusCode: 200,
    body: {
      productId: sales.productId,
      totalQuantitySold: sales.totalQuantitySold,
      totalRevenue: fromCents(sales.revenueCents),
      orderCount: sales.orderCount,
    },
  };
});
