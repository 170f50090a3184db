// The order rules. One order model serves both dialects: an order-service order is one line with a
// description and an amount; a catalog order has product lines priced from the catalog.
import { pendingEvent, type EventData } from '../../events/contracts.ts';
import { ConflictError, NotFoundError, RuleViolationError } from '../shared/errors.ts';
import { CURRENCY, MAX_CENTS } from '../shared/money.ts';
import type { Product } from '../products/product.ts';

export type OrderLine = EventData<'order.created'>['lines'][number];

export interface PricedOrder {
  /** which dialect placed it */
  channel: EventData<'order.created'>['channel'];
  customerId: number;
  description: string;
  totalCents: number;
  lines: OrderLine[];
}

export interface Order extends PricedOrder {
  id: number;
  createdAt: Date;
}

export interface RequestedItem {
  productId: number;
  quantity: number;
}

/** An order-service order: one line, the amount as given. */
export function serviceOrder(customerId: number, amountCents: number, description: string): PricedOrder {
  return {
    channel: 'order-service',
    customerId,
    description,
    totalCents: amountCents,
    lines: [
      {
        productId: null,
        category: null,
        description,
        quantity: 1,
        unitPriceCents: amountCents,
        lineTotalCents: amountCents,
      },
    ],
  };
}

/** The distinct products of an order, ascending, with the request index that first named each. */
export function requestedProducts(
  items: readonly RequestedItem[],
): { productId: number; quantity: number; index: number }[] {
  const merged = new Map<number, { productId: number; quantity: number; index: number }>();
  items.forEach((item, index) => {
    const line = merged.get(item.productId);
    if (line) line.quantity += item.quantity;
    else merged.set(item.productId, { productId: item.productId, quantity: item.quantity, index });
  });
  return [...merged.values()].sort((a, b) => a.productId - b.productId);
}

/**
 * Prices a catalog order and checks its stock. The catalog price is authoritative: a price sent by
 * the client is not used. Lines naming the same product are merged.
 */
export function priceCatalogOrder(
  customerId: number,
  items: readonly RequestedItem[],
  catalog: ReadonlyMap<number, Product>,
): PricedOrder {
  const lines: OrderLine[] = [];
  let totalCents = 0;
  for (const requested of requestedProducts(items)) {
    const product = catalog.get(requested.productId);
    if (!product) {
      throw new NotFoundError(
        'product_not_found',
        `product ${requested.productId} does not exist`,
        `items[${requested.index}].productId`,
      );
    }
    if (product.stock < requested.quantity) {
      throw new ConflictError(
        'insufficient_stock',
        `product ${product.id} has ${product.stock} in stock, ${requested.quantity} requested`,
        `items[${requested.index}].quantity`,
      );
    }
    const lineTotalCents = product.priceCents * requested.quantity;
    totalCents += lineTotalCents;
    if (lineTotalCents > MAX_CENTS || totalCents > MAX_CENTS) {
      throw new RuleViolationError(
        'order_too_large',
        'the order total exceeds the largest amount accepted',
        'items',
      );
    }
    lines.push({
      productId: product.id,
      category: product.category,
      description: product.name,
      quantity: requested.quantity,
      unitPriceCents: product.priceCents,
      lineTotalCents,
    });
  }
  const description = lines.map((line) => `${line.description} x${line.quantity}`).join(', ');
  return { channel: 'catalog', customerId, description, totalCents, lines };
}

export const orderCreated = (order: Order) =>
  pendingEvent('order.created', order.id, {
    orderId: order.id,
    customerId: order.customerId,
    description: order.description,
    totalCents: order.totalCents,
    currency: CURRENCY,
    channel: order.channel,
    lines: order.lines,
  });
