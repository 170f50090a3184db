import { describe, expect, it } from 'vitest';
import type { OrderCreatedV1Data } from '../../events/versions/orderCreatedV1.ts';
import type { DomainEvent, EventData } from '../../events/contracts.ts';
import { catalogOrder, eventFactory } from '../../tests/support/events.ts';
import { foldProjection } from '../../tests/support/foldProjection.ts';
import { itKeepsFoldProperties } from '../../tests/support/foldProperties.ts';
import { fromCents } from '../shared/money.ts';
import { keysTouched } from '../projectors/projection.ts';
import {
  analyticsProjection as projection,
  categoryRevenueKey,
  customerValueKey,
  hourOf,
  hourlySalesKey,
  productSalesKey,
  type CustomerLifetimeValue,
  type HourlySales,
} from './analyticsProjection.ts';

type Line = { productId: number; category: string; quantity: number; unitPriceCents: number };
const line = (productId: number, category: string, quantity: number, unitPriceCents: number): Line => ({
  productId,
  category,
  quantity,
  unitPriceCents,
});
const serviceOrder = (orderId: number, customerId: number, cents: number): OrderCreatedV1Data => ({
  orderId,
  customerId,
  description: 'Consulting',
  totalCents: cents,
  lines: [
    {
      productId: null,
      category: null,
      description: 'Consulting',
      quantity: 1,
      unitPriceCents: cents,
      lineTotalCents: cents,
    },
  ],
});
const catalog = (orderId: number, customerId: number, ...lines: Line[]) =>
  catalogOrder(orderId, customerId, lines);
/** an occurredAt, on 2026-02-11 unless told */
const at = (time: string, day = '2026-02-11') => `${day}T${time}.000Z`;
const product = (productId: number, category: string): EventData<'product.created'> => ({
  productId,
  name: `Product ${productId}`,
  category,
  priceCents: 100,
  stock: 100,
});

describe('analytics keysOf', () => {
  const event = eventFactory();
  it('keys an order by its distinct products and categories, its customer and its UTC hour', () => {
    const order = catalog(1, 7, line(3, 'books', 1, 100), line(4, 'games', 1, 100), line(3, 'books', 2, 100));
    expect(projection.keysOf(event('order.created', order, at('16:35:00')))).toMatchObject([
      { pk: 'PRODUCT#3', sk: 'SALES' },
      { pk: 'PRODUCT#4', sk: 'SALES' },
      { pk: 'CATEGORY#books', sk: 'REVENUE' },
      { pk: 'CATEGORY#games', sk: 'REVENUE' },
      { pk: 'CUSTOMER#7', sk: 'VALUE' },
      { pk: 'HOUR#2026-02-11T16', sk: 'SALES' },
    ]);
    expect(projection.keysOf(event('order.created', serviceOrder(2, 7, 500), at('16:00:00')))).toEqual([
      customerValueKey(7),
      hourlySalesKey('2026-02-11T16'),
    ]);
  });

  it('keys product.created by product and ignores other events', () => {
    expect(projection.keysOf(event('product.created', product(3, 'books')))).toEqual([productSalesKey(3)]);
    const user = { userId: 1, name: 'a b', firstName: 'a', lastName: 'b', email: 'a@b.c' };
    expect(keysTouched(projection, event('user.created', user))).toEqual([]);
    expect(keysTouched(projection, event('todo.created', { todoId: 1, title: 't' }))).toEqual([]);
  });

  it('takes the UTC hour of occurredAt', () => {
    expect(hourOf('2026-02-11T16:35:00.000Z')).toBe('2026-02-11T16');
    expect(hourOf('2026-02-11T16:59:59.999Z')).toBe('2026-02-11T16');
    expect(hourOf('2026-02-11T17:00:00.000Z')).toBe('2026-02-11T17');
    expect(hourOf('2025-12-31T23:30:00.000Z')).toBe('2025-12-31T23');
  });
});

describe('analytics evolve', () => {
  it('sums product sales, counting an order once even with two lines of one product', () => {
    const event = eventFactory();
    const folded = foldProjection(projection, [
      event('order.created', catalog(1, 7, line(3, 'books', 2, 1999), line(3, 'books', 1, 1999))),
      event('order.created', catalog(2, 8, line(3, 'books', 4, 1999), line(4, 'games', 1, 500))),
    ]);
    expect(folded.get(productSalesKey(3))).toMatchObject({
      productId: 3,
      name: 'product 3',
      category: 'books',
      totalQuantitySold: 7,
      revenueCents: 7 * 1999,
      orderCount: 2,
    });
    expect(folded.get(productSalesKey(4))).toMatchObject({
      totalQuantitySold: 1,
      revenueCents: 500,
      orderCount: 1,
    });
  });

  it('keeps the sales when product.created arrives after them, and fills name and category', () => {
    const event = eventFactory();
    const sales = foldProjection(projection, [
      event('order.created', catalog(1, 7, line(3, 'books', 2, 150))),
    ]);
    const named = foldProjection(projection, [event('product.created', product(3, 'novels'))], sales);
    expect(named.get(productSalesKey(3))).toMatchObject({
      productId: 3,
      name: 'Product 3',
      category: 'novels',
      totalQuantitySold: 2,
      revenueCents: 300,
      orderCount: 1,
    });
    const later = foldProjection(
      projection,
      [event('order.created', catalog(2, 7, line(3, 'x', 1, 150)))],
      named,
    );
    expect(later.get(productSalesKey(3))).toMatchObject({
      name: 'Product 3',
      category: 'novels',
      orderCount: 2,
    });
  });

  it('sums category revenue of that category only, counting each order once per category', () => {
    const event = eventFactory();
    const folded = foldProjection(projection, [
      event(
        'order.created',
        catalog(1, 7, line(3, 'books', 1, 1000), line(5, 'books', 2, 250), line(4, 'games', 1, 70)),
      ),
      event('order.created', catalog(2, 7, line(4, 'games', 3, 70))),
    ]);
    expect(folded.get(categoryRevenueKey('books'))).toMatchObject({
      category: 'books',
      revenueCents: 1500,
      orderCount: 1,
    });
    expect(folded.get(categoryRevenueKey('games'))).toMatchObject({
      category: 'games',
      revenueCents: 280,
      orderCount: 2,
    });
  });

  it('sums customer lifetime value with service orders and keeps the latest order date', () => {
    const event = eventFactory();
    const folded = foldProjection(projection, [
      event('order.created', catalog(1, 7, line(3, 'books', 1, 1999)), '2025-04-10T12:00:00.000Z'),
      event('order.created', serviceOrder(2, 7, 5000), '2025-04-20T12:00:00.000Z'),
      // published later but stamped earlier: the date must not go back
      event('order.created', serviceOrder(3, 7, 1), '2025-04-15T12:00:00.000Z'),
    ]);
    expect(folded.get(customerValueKey(7))).toMatchObject({
      customerId: 7,
      spentCents: 7000,
      orderCount: 3,
      lastOrderDate: '2025-04-20T12:00:00.000Z',
    });
  });

  it('sums sales per UTC hour', () => {
    const event = eventFactory();
    const folded = foldProjection(projection, [
      event('order.created', serviceOrder(1, 7, 100), at('16:00:00')),
      event('order.created', catalog(2, 8, line(3, 'books', 2, 50)), '2026-02-11T16:59:59.999Z'),
      event('order.created', serviceOrder(3, 7, 7), at('17:00:00')),
    ]);
    expect(folded.get(hourlySalesKey('2026-02-11T16'))).toMatchObject({
      hour: '2026-02-11T16',
      orderCount: 2,
      revenueCents: 200,
    });
    expect(folded.get(hourlySalesKey('2026-02-11T17'))).toMatchObject({ orderCount: 1, revenueCents: 7 });
  });

  it('keeps money exact over many small amounts', () => {
    const event = eventFactory();
    const pennies = Array.from({ length: 1000 }, (_, i) =>
      event('order.created', catalog(i + 1, 7, line(3, 'books', 1, 1)), at('16:00:00')),
    );
    // 0.10 + 0.20 is 0.30000000000000004 as a double; as cents it is 30
    const dimes = [10, 20, 10, 20].map((cents, i) =>
      event('order.created', catalog(2000 + i, 8, line(4, 'games', 1, cents)), at('16:00:00')),
    );
    const folded = foldProjection(projection, [...pennies, ...dimes]);
    expect(folded.get(productSalesKey(3))).toMatchObject({ revenueCents: 1000, orderCount: 1000 });
    expect(folded.get(categoryRevenueKey('books'))).toMatchObject({ revenueCents: 1000 });
    expect(folded.get(customerValueKey(7))).toMatchObject({ spentCents: 1000 });
    expect(folded.get(customerValueKey(8))).toMatchObject({ spentCents: 60 });
    expect(folded.get(hourlySalesKey('2026-02-11T16'))).toMatchObject({
      orderCount: 1004,
      revenueCents: 1060,
    });
    expect(fromCents((folded.get(customerValueKey(8)) as CustomerLifetimeValue).spentCents)).toBe(0.6);
    expect(fromCents((folded.get(hourlySalesKey('2026-02-11T16')) as HourlySales).revenueCents)).toBe(10.6);
  });
});

describe('analytics keys with a # inside', () => {
  it('keeps a category named with a # whole', () => {
    const event = eventFactory();
    const folded = foldProjection(projection, [
      event(
        'order.created',
        catalogOrder(1, 2, [{ productId: 3, category: 'C#', quantity: 2, unitPriceCents: 500 }]),
      ),
    ]);
    expect(folded.get(categoryRevenueKey('C#'))).toMatchObject({
      category: 'C#',
      revenueCents: 1000,
      orderCount: 1,
    });
  });

  it('keeps the latest order date as an instant, whatever the precision of the timestamps', () => {
    const event = eventFactory();
    const order = (orderId: number) =>
      catalogOrder(orderId, 9, [{ productId: 1, category: 'x', quantity: 1, unitPriceCents: 100 }]);
    const folded = foldProjection(projection, [
      event('order.created', order(1), '2025-04-10T12:00:00.500Z'),
      event('order.created', order(2), '2025-04-10T12:00:00Z'),
    ]);
    expect(folded.get(customerValueKey(9))).toMatchObject({ lastOrderDate: '2025-04-10T12:00:00.500Z' });
  });
});

describe('analytics fold properties', () => {
  const event = eventFactory();
  const events: DomainEvent[] = [
    event('product.created', product(3, 'books')),
    event('order.created', catalog(1, 7, line(3, 'books', 2, 1999), line(4, 'games', 1, 10)), at('16:05:00')),
    event('order.created', serviceOrder(2, 8, 5000), at('16:10:00')),
    event('order.created', catalog(3, 8, line(5, 'games', 1, 20), line(5, 'games', 1, 20)), at('17:00:00')),
    event('product.created', product(4, 'games')),
    event('order.created', catalog(4, 7, line(3, 'books', 1, 1999)), at('15:59:00')),
    event('order.created', catalog(5, 9, line(6, 'toys', 3, 1)), at('09:00:00', '2026-02-12')),
    event('product.created', product(6, 'toys')),
    event('order.created', serviceOrder(6, 9, 1), at('09:30:00', '2026-02-12')),
  ];
  const once = foldProjection(projection, events);

  it('folds the scenario as expected', () => {
    expect(once.parked).toEqual([]);
    expect(once.get(productSalesKey(3))).toMatchObject({
      totalQuantitySold: 3,
      revenueCents: 5997,
      orderCount: 2,
    });
    expect(once.get(customerValueKey(7))).toMatchObject({
      spentCents: 6007,
      lastOrderDate: at('16:05:00'),
    });
  });

  itKeepsFoldProperties(projection, events, once, 4);

  it('ignores an event for an item that already has a later one', () => {
    // an order older than every item it touches but a new hour: only the hour takes it
    const late = {
      ...event('order.created', catalog(7, 7, line(3, 'books', 1, 1999)), at('00:00:00', '2026-02-13')),
      position: 2500,
    };
    const folded = foldProjection(projection, [late], once);
    for (const key of [productSalesKey(3), categoryRevenueKey('books'), customerValueKey(7)]) {
      expect(folded.get(key)).toEqual(once.get(key));
    }
    expect(folded.get(hourlySalesKey('2026-02-13T00'))).toMatchObject({
      orderCount: 1,
      revenueCents: 1999,
      position: 2500,
    });
  });
});
