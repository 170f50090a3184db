// The analytics read model: the analytics seed's four views (product sales, category revenue,
// customer lifetime value, hourly sales), in integer cents.
import { PoisonEventError, projectionByKind } from '../projectors/projection.ts';
import { assertNever } from '../shared/exhaustive.ts';

export interface ProductSales {
  productId: number;
  name: string | null;
  category: string | null;
  totalQuantitySold: number;
  revenueCents: number;
  orderCount: number;
}

export interface CategoryRevenue {
  category: string;
  revenueCents: number;
  orderCount: number;
}

export interface CustomerLifetimeValue {
  customerId: number;
  spentCents: number;
  orderCount: number;
  lastOrderDate: string;
}

export interface HourlySales {
  /** the UTC hour, e.g. 2026-02-11T16 */
  hour: string;
  orderCount: number;
  revenueCents: number;
}

/** The analytics read model's items by kind. */
export interface AnalyticsItems {
  productSales: ProductSales;
  categoryRevenue: CategoryRevenue;
  customerValue: CustomerLifetimeValue;
  hourlySales: HourlySales;
}
export type AnalyticsItem = AnalyticsItems[keyof AnalyticsItems];

// Each key names its item's kind and what it is about, so that evolve need not parse the stored key
// (PRODUCT#<id>/SALES, CATEGORY#<category>/REVENUE, CUSTOMER#<id>/VALUE, HOUR#<hour>/SALES); the
// store reads and writes pk and sk alone.
export const productSalesKey = (productId: number) =>
  ({ kind: 'productSales', productId, pk: `PRODUCT#${productId}`, sk: 'SALES' }) as const;
export const categoryRevenueKey = (category: string) =>
  ({ kind: 'categoryRevenue', category, pk: `CATEGORY#${category}`, sk: 'REVENUE' }) as const;
export const customerValueKey = (customerId: number) =>
  ({ kind: 'customerValue', customerId, pk: `CUSTOMER#${customerId}`, sk: 'VALUE' }) as const;
export const hourlySalesKey = (hour: string) =>
  ({ kind: 'hourlySales', hour, pk: `HOUR#${hour}`, sk: 'SALES' }) as const;
export type AnalyticsKey = ReturnType<
  typeof productSalesKey | typeof categoryRevenueKey | typeof customerValueKey | typeof hourlySalesKey
>;
/** "2026-02-11T16:35:00.000Z" → "2026-02-11T16" */
export const hourOf = (occurredAt: string) => new Date(occurredAt).toISOString().slice(0, 13);

const distinct = <T>(values: T[]) => [...new Set(values)];

/** An item of a kind that only orders change. */
function onlyOrders<Event extends { type: string }>(
  event: Event,
  key: AnalyticsKey,
): asserts event is Extract<Event, { type: 'order.created' }> {
  if (event.type !== 'order.created') throw new PoisonEventError(`${event.type} changes no ${key.pk}`);
}

export const analyticsProjection = projectionByKind<AnalyticsItems, 'analytics', AnalyticsKey>({
  name: 'analytics',

  keysOf(event) {
    switch (event.type) {
      case 'product.created':
        return [productSalesKey(event.data.productId)];
      case 'order.created': {
        const lines = event.data.lines;
        return [
          ...distinct(lines.flatMap((line) => (line.productId === null ? [] : [line.productId]))).map(
            productSalesKey,
          ),
          ...distinct(lines.flatMap((line) => (line.category === null ? [] : [line.category]))).map(
            categoryRevenueKey,
          ),
          customerValueKey(event.data.customerId),
          hourlySalesKey(hourOf(event.occurredAt)),
        ];
      }
      default:
        return assertNever(event, 'event');
    }
  },

  evolve: {
    productSales(sales, event, key) {
      switch (event.type) {
        case 'product.created':
          return {
            productId: event.data.productId,
            name: event.data.name,
            category: event.data.category,
            totalQuantitySold: sales?.totalQuantitySold ?? 0,
            revenueCents: sales?.revenueCents ?? 0,
            orderCount: sales?.orderCount ?? 0,
          };
        case 'order.created': {
          const lines = event.data.lines.filter((line) => line.productId === key.productId);
          const before = sales ?? {
            productId: key.productId,
            name: lines[0]?.description ?? null,
            category: lines[0]?.category ?? null,
            totalQuantitySold: 0,
            revenueCents: 0,
            orderCount: 0,
          };
          return {
            ...before,
            totalQuantitySold: before.totalQuantitySold + lines.reduce((sum, line) => sum + line.quantity, 0),
            revenueCents: before.revenueCents + lines.reduce((sum, line) => sum + line.lineTotalCents, 0),
            orderCount: before.orderCount + 1,
          };
        }
        default:
          return assertNever(event, 'event');
      }
    },

    categoryRevenue(current, event, key) {
      onlyOrders(event, key);
      const revenue = current ?? { category: key.category, revenueCents: 0, orderCount: 0 };
      const lines = event.data.lines.filter((line) => line.category === key.category);
      return {
        ...revenue,
        revenueCents: revenue.revenueCents + lines.reduce((sum, line) => sum + line.lineTotalCents, 0),
        orderCount: revenue.orderCount + 1,
      };
    },

    customerValue(current, event, key) {
      onlyOrders(event, key);
      const value = current ?? {
        customerId: event.data.customerId,
        spentCents: 0,
        orderCount: 0,
        lastOrderDate: event.occurredAt,
      };
      return {
        ...value,
        spentCents: value.spentCents + event.data.totalCents,
        orderCount: value.orderCount + 1,
        // compared as instants: "…T12:00:00Z" and "…T12:00:00.500Z" do not sort as text
        lastOrderDate:
          Date.parse(value.lastOrderDate) > Date.parse(event.occurredAt)
            ? value.lastOrderDate
            : event.occurredAt,
      };
    },

    hourlySales(current, event, key) {
      onlyOrders(event, key);
      const hourly = current ?? { hour: key.hour, orderCount: 0, revenueCents: 0 };
      return {
        ...hourly,
        orderCount: hourly.orderCount + 1,
        revenueCents: hourly.revenueCents + event.data.totalCents,
      };
    },
  },
});
