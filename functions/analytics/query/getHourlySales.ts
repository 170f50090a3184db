// GET /api/analytics/hours/{hour}/sales → {hour, totalOrders, totalRevenue}: the hourly view the
// analytics seed stores but never serves. {hour} is a UTC hour: 2026-02-11T16 or a full ISO time.
import { fromCents } from '../../shared/money.ts';
import { queryHandler } from '../../shared/queries/queryHandler.ts';
import { hourlySalesKey, type HourlySales } from '../analyticsProjection.ts';
import { getHourlySalesRoute } from '../api.ts';
import { readAnalyticsItem } from './analyticsReader.ts';

export const handler = queryHandler(getHourlySalesRoute, async ({ params }) => {
  // an hour without sales is a real answer (zero), not a missing resource
  const sales = await readAnalyticsItem<HourlySales>(hourlySalesKey(params.hour));
  return {
    statusCode: 200,
    body: {
      hour: `${params.hour}:00:00.000Z`,
      totalOrders: sales?.orderCount ?? 0,
      totalRevenue: fromCents(sales?.revenueCents ?? 0),
    },
  };
});
