// A coherent random event stream from a seed: products before their orders, users before their
// accounts, no stock below zero, no event for a deleted user or todo. Pure and deterministic.
import { latestVersions, type DomainEvent, type EventData, type EventType } from './contracts.ts';

/** A deterministic pseudo-random number generator in [0, 1) (mulberry32): small, fast, the same everywhere. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const CATEGORIES = ['Electronics', 'Home', 'Office', 'Garden', 'Books', 'Toys'];
const START = Date.UTC(2025, 0, 1);

export function* generateEvents(seed: number, count: number): Generator<DomainEvent> {
  const next = seededRandom(seed);
  const below = (n: number) => Math.floor(next() * n);
  const uuid = () => {
    const hex = Array.from({ length: 32 }, () => below(16).toString(16));
    hex[12] = '4';
    hex[16] = (8 + below(4)).toString(16);
    const s = hex.join('');
    return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
  };
  const products: { id: number; name: string; category: string; priceCents: number; stock: number }[] = [];
  const users: number[] = [];
  const usersWithAccount = new Set<number>();
  const todos: { id: number; completed: boolean }[] = [];
  const ids = { product: 0, user: 0, account: 0, order: 0, todo: 0 };

  for (let index = 0; index < count; index++) {
    const occurredAt = new Date(START + index * 30_000).toISOString();
    const event = <T extends EventType>(type: T, aggregateId: number, data: EventData<T>) =>
      ({
        eventId: uuid(),
        type,
        version: latestVersions[type],
        position: (index + 1) * 1000,
        occurredAt,
        aggregateId: String(aggregateId),
        correlationId: `generated-${seed}`,
        data,
      }) as DomainEvent;
    const roll = below(100);
    if (products.length < 20 || roll < 2) {
      const product = {
        id: ++ids.product,
        name: `Product ${ids.product}`,
        category: CATEGORIES[below(CATEGORIES.length)]!,
        priceCents: 100 + below(50_000),
        stock: 1_000_000,
      };
      products.push(product);
      yield event('product.created', product.id, { productId: product.id, ...product });
      continue;
    }
    if (users.length < 10 || roll < 7) {
      const userId = ++ids.user;
      users.push(userId);
      yield event('user.created', userId, {
        userId,
        name: `User ${userId}`,
        firstName: 'User',
        lastName: String(userId),
        email: `user${userId}@example.com`,
        ownerSubject: null,
      });
      continue;
    }
    if (roll < 62) {
      const lines = Array.from({ length: 1 + below(3) }, () => products[below(products.length)]!)
        .filter((product, at, all) => all.indexOf(product) === at)
        .map((product) => {
          const quantity = 1 + below(5);
          product.stock -= quantity;
          return {
            productId: product.id,
            category: product.category,
            description: product.name,
            quantity,
            unitPriceCents: product.priceCents,
            lineTotalCents: quantity * product.priceCents,
          };
        });
      const orderId = ++ids.order;
      yield event('order.created', orderId, {
        orderId,
        customerId: below(3) ? users[below(users.length)]! : 10_000 + below(500),
        description: lines.map((line) => `${line.description} x${line.quantity}`).join(', '),
        totalCents: lines.reduce((sum, line) => sum + line.lineTotalCents, 0),
        currency: 'USD',
        channel: 'catalog',
        lines,
      });
      continue;
    }
    if (roll < 72) {
      const orderId = ++ids.order;
      const cents = 100 + below(100_000);
      yield event('order.created', orderId, {
        orderId,
        customerId: users[below(users.length)]!,
        description: `Service ${orderId}`,
        totalCents: cents,
        currency: 'USD',
        channel: 'order-service',
        lines: [
          {
            productId: null,
            category: null,
            description: `Service ${orderId}`,
            quantity: 1,
            unitPriceCents: cents,
            lineTotalCents: cents,
          },
        ],
      });
      continue;
    }
    const userId = users[below(users.length)]!;
    if (roll < 75 && !usersWithAccount.has(userId)) {
      usersWithAccount.add(userId);
      const accountId = ++ids.account;
      yield event('account.created', accountId, {
        accountId,
        userId,
        address1: `${accountId} Main St`,
        address2: null,
        city: 'Cityville',
        state: 'ST',
        zip: String(10_000 + below(90_000)),
      });
      continue;
    }
    if (roll < 78) {
      yield event('user.updated', userId, {
        userId,
        name: `User ${userId} v${index}`,
        firstName: 'User',
        lastName: `${userId} v${index}`,
        email: `user${userId}.v${index}@example.com`,
      });
      continue;
    }
    const open = todos.filter((todo) => !todo.completed);
    if (roll < 92 || open.length === 0) {
      const todoId = ++ids.todo;
      todos.push({ id: todoId, completed: false });
      yield event('todo.created', todoId, { todoId, title: `Todo ${todoId}`, ownerSubject: null });
      continue;
    }
    const todo = open[below(open.length)]!;
    if (roll < 97) {
      todo.completed = true;
      yield event('todo.completed', todo.id, { todoId: todo.id });
    } else {
      todos.splice(todos.indexOf(todo), 1);
      yield event('todo.deleted', todo.id, { todoId: todo.id });
    }
  }
}
