import { describe, expect, it } from 'vitest';
import { thrown } from '../../tests/support/thrown.ts';
import { eventDataSchemas } from '../../events/contracts.ts';
import { ConflictError, NotFoundError, RuleViolationError } from '../shared/errors.ts';
import { MAX_CENTS } from '../shared/money.ts';
import type { Product } from '../products/product.ts';
import {
  orderCreated,
  priceCatalogOrder,
  requestedProducts,
  serviceOrder,
  type RequestedItem,
} from './order.ts';

const product = (id: number, priceCents: number, stock: number, name = `Product ${id}`): Product => ({
  id,
  name,
  category: `category-${id}`,
  priceCents,
  stock,
});

const catalogOf = (...products: Product[]) => new Map(products.map((p) => [p.id, p]));

/** items([productId, quantity], ...) */
const items = (...pairs: [number, number][]): RequestedItem[] =>
  pairs.map(([productId, quantity]) => ({ productId, quantity }));

describe('requestedProducts', () => {
  it('merges lines naming the same product, sorts by product id and keeps the first index', () => {
    const merged = requestedProducts(items([7, 1], [3, 2], [7, 4], [5, 1], [3, 1]));
    expect(merged).toEqual([
      { productId: 3, quantity: 3, index: 1 },
      { productId: 5, quantity: 1, index: 3 },
      { productId: 7, quantity: 5, index: 0 },
    ]);
  });

  it('sorts numerically, not as text', () => {
    const ids = requestedProducts(items([10, 1], [9, 1], [100, 1])).map((line) => line.productId);
    expect(ids).toEqual([9, 10, 100]);
  });

  it('does not modify the request items', () => {
    const request = items([1, 2], [1, 3]);
    requestedProducts(request);
    expect(request).toEqual(items([1, 2], [1, 3]));
  });
});

describe('priceCatalogOrder', () => {
  const catalog = catalogOf(product(1, 2999, 10, 'Widget'), product(2, 1250, 5, 'Gadget'));

  it('prices lines from the catalog in exact cents', () => {
    const order = priceCatalogOrder(42, items([1, 3]), catalog);
    expect(order).toEqual({
      channel: 'catalog',
      customerId: 42,
      description: 'Widget x3',
      totalCents: 8997,
      lines: [
        {
          productId: 1,
          category: 'category-1',
          description: 'Widget',
          quantity: 3,
          unitPriceCents: 2999,
          lineTotalCents: 8997,
        },
      ],
    });
  });

  it('sums several lines in product order and merges duplicates', () => {
    const order = priceCatalogOrder(1, items([2, 1], [1, 1], [2, 2]), catalog);
    expect(order.lines.map((line) => [line.productId, line.quantity, line.lineTotalCents])).toEqual([
      [1, 1, 2999],
      [2, 3, 3750],
    ]);
    expect(order.totalCents).toBe(6749);
    expect(order.description).toBe('Widget x1, Gadget x3');
  });

  it('ignores any price the client sent', () => {
    const withClientPrice = { productId: 1, quantity: 2, price: 0.01, unitPriceCents: 1 };
    const order = priceCatalogOrder(1, [withClientPrice], catalog);
    expect(order.lines[0]?.unitPriceCents).toBe(2999);
    expect(order.totalCents).toBe(5998);
  });

  it('throws NotFoundError naming items[i].productId for an unknown product', () => {
    const error = thrown(() => priceCatalogOrder(1, items([1, 1], [99, 1]), catalog));
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error).toMatchObject({ code: 'product_not_found', field: 'items[1].productId', statusCode: 404 });
  });

  it('accepts a quantity equal to the stock', () => {
    expect(priceCatalogOrder(1, items([2, 5]), catalog).totalCents).toBe(6250);
  });

  it('throws ConflictError insufficient_stock naming items[i].quantity when the stock is short', () => {
    const error = thrown(() => priceCatalogOrder(1, items([1, 1], [2, 6]), catalog));
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toMatchObject({ code: 'insufficient_stock', field: 'items[1].quantity', statusCode: 409 });
  });

  it('checks the stock against the merged quantity of lines naming the same product', () => {
    const error = thrown(() => priceCatalogOrder(1, items([1, 1], [2, 3], [1, 1], [2, 3]), catalog));
    expect(error).toBeInstanceOf(ConflictError);
    expect(error).toMatchObject({ code: 'insufficient_stock', field: 'items[1].quantity' });
  });

  it('accepts a total of exactly MAX_CENTS', () => {
    const big = catalogOf(product(1, MAX_CENTS / 2, 10), product(2, MAX_CENTS / 2, 10));
    const order = priceCatalogOrder(1, items([1, 1], [2, 1]), big);
    expect(order.totalCents).toBe(MAX_CENTS);
  });

  it('throws RuleViolationError when the total exceeds MAX_CENTS', () => {
    const big = catalogOf(product(1, MAX_CENTS / 2, 10), product(2, MAX_CENTS / 2 + 1, 10));
    const twoLines = items([1, 1], [2, 1]);
    const error = thrown(() => priceCatalogOrder(1, twoLines, big));
    expect(error).toBeInstanceOf(RuleViolationError);
    expect(error).toMatchObject({ code: 'order_too_large', statusCode: 422 });
    expect(thrown(() => priceCatalogOrder(1, items([1, 3]), big))).toBeInstanceOf(RuleViolationError);
  });
});

describe('serviceOrder', () => {
  it('makes one line without a product, priced at the amount given', () => {
    expect(serviceOrder(3, 8997, 'Consulting')).toEqual({
      channel: 'order-service',
      customerId: 3,
      description: 'Consulting',
      totalCents: 8997,
      lines: [
        {
          productId: null,
          category: null,
          description: 'Consulting',
          quantity: 1,
          unitPriceCents: 8997,
          lineTotalCents: 8997,
        },
      ],
    });
  });

  it('gives an order.created event that satisfies the contract', () => {
    const event = orderCreated({ id: 11, createdAt: new Date(), ...serviceOrder(3, 500, 'Repair') });
    expect(event).toMatchObject({ type: 'order.created', version: 2, aggregateId: '11' });
    expect(eventDataSchemas['order.created'].parse(event.data)).toEqual(event.data);
    expect(event.data).toMatchObject({ orderId: 11, customerId: 3, totalCents: 500 });
  });
});
