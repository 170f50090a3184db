// The analytics read model: the analytics seed's four views (product sales, category revenue,
// customer lifetime value, hourly sales), in integer cents.
import type { DomainEvent } from '../../events/contracts.ts';
import { PoisonEventError, type ItemKey, type Projection } from '../projectors/projection.ts';

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

export type AnalyticsItem = ProductSales | CategoryRevenue | CustomerLifetimeValue | HourlySales;

export const productSalesKey = (productId: number): ItemKey => ({ pk: `PRODUCT#${productId}`, sk: 'SALES' });
export const categoryRevenueKey = (category: string): ItemKey => ({
  pk: `CATEGORY#${category}`,
  sk: 'REVENUE',
});
export const customerValueKey = (customerId: number): ItemKey => ({
  pk: `CUSTOMER#${customerId}`,
  sk: 'VALUE',
});
export const hourlySalesKey = (hour: string): ItemKey => ({ pk: `HOUR#${hour}`, sk: 'SALES' });
/** "2026-02-11T16:35:00.000Z" → "2026-02-11T16" */
export const hourOf = (occurredAt: string) => new Date(occurredAt).toISOString().slice(0, 13);

const distinct = <T>(values: T[]) => [...new Set(values)];

export const analyticsProjection: Projection<AnalyticsItem> = {
  name: 'analytics',

  keysOf(event: DomainEvent): ItemKey[] {
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
        return [];
    }
  },

  evolve(current, event, key) {
    if (event.type === 'product.created') {
      const sales = current as ProductSales | undefined;
      return {
        productId: event.data.productId,
        name: event.data.name,
        category: event.data.category,
        totalQuantitySold: sales?.totalQuantitySold ?? 0,
        revenueCents: sales?.revenueCents ?? 0,
        orderCount: sales?.orderCount ?? 0,
      };
    }
    if (event.type !== 'order.created') {
      throw new PoisonEventError(`the analytics projection does not handle ${event.type}`);
    }
    const { data } = event;
    // split at the first '#' only: a category may contain '#' itself
    const separator = key.pk.indexOf('#');
    const kind = key.pk.slice(0, separator);
    const name = key.pk.slice(separator + 1);
    switch (kind) {
      case 'PRODUCT': {
        const lines = data.lines.filter((line) => String(line.productId) === name);
        const sales = (current as ProductSales | undefined) ?? {
          productId: Number(name),
          name: lines[0]?.description ?? null,
          category: lines[0]?.category ?? null,
          totalQuantitySold: 0,
          revenueCents: 0,
          orderCount: 0,
        };
        return {
          ...sales,
          totalQuantitySold: sales.totalQuantitySold + lines.reduce((sum, line) => sum + line.quantity, 0),
          revenueCents: sales.revenueCents + lines.reduce((sum, line) => sum + line.lineTotalCents, 0),
          orderCount: sales.orderCount + 1,
        };
      }
      case 'CATEGORY': {
        const revenue = (current as CategoryRevenue | undefined) ?? {
          category: name,
          revenueCents: 0,
          orderCount: 0,
        };
        const lines = data.lines.filter((line) => line.category === name);
        return {
          ...revenue,
          revenueCents: revenue.revenueCents + lines.reduce((sum, line) => sum + line.lineTotalCents, 0),
          orderCount: revenue.orderCount + 1,
        };
      }
      case 'CUSTOMER': {
        const value = (current as CustomerLifetimeValue | undefined) ?? {
          customerId: data.customerId,
          spentCents: 0,
          orderCount: 0,
          lastOrderDate: event.occurredAt,
        };
        return {
          ...value,
          spentCents: value.spentCents + data.totalCents,
          orderCount: value.orderCount + 1,
          // compared as instants: "…T12:00:00Z" and "…T12:00:00.500Z" do not sort as text
          lastOrderDate:
            Date.parse(value.lastOrderDate) > Date.parse(event.occurredAt)
              ? value.lastOrderDate
              : event.occurredAt,
        };
      }
      case 'HOUR': {
        const hourly = (current as HourlySales | undefined) ?? { hour: name, orderCount: 0, revenueCents: 0 };
        return {
          ...hourly,
          orderCount: hourly.orderCount + 1,
          revenueCents: hourly.revenueCents + data.totalCents,
        };
      }
      default:
        throw new PoisonEventError(`no analytics item ${key.pk}`);
    }
  },
};
