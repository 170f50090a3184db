// GET /api/analytics/hours/{hour}/sales → {hour, totalOrders, totalRevenue}: the hourly view the
// analytics seed stores but never serves. {hour} is a UTC hour: 2026-02-11T16 or a full ISO time.
import { z } from 'zod';
import { fromCents } from '../../shared/money.ts';
import { queryRoute } from '../../shared/queries/queryRoute.ts';
import { hourlySalesKey, type HourlySales } from '../analyticsProjection.ts';
import { readAnalyticsItem } from './analyticsReader.ts';

const hourParam = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}(:00(:00(\.000)?)?Z?)?$/, 'must be a UTC hour such as 2026-02-11T16')
  .transform((value) => value.slice(0, 13))
  .refine((hour) => !Number.isNaN(Date.parse(`${hour}:00:00Z`)), 'must be a real hour');

export const handler = queryRoute(
  'analytics',
  { access: 'public', params: z.object({ hour: hourParam }) },
  async ({ params }) => {
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
  },
);
