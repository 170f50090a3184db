import { describe, expect, it } from 'vitest';
import type { OrderCreatedV1Data } from '../../events/versions/orderCreatedV1.ts';
import type { DomainEvent, EventData } from '../../events/contracts.ts';
import { catalogOrder, eventFactory } from '../../tests/support/events.ts';
import { foldProjection } from '../../tests/support/foldProjection.ts';
import { itKeepsFoldProperties } from '../../tests/support/foldProperties.ts';
import { PoisonEventError } from '../projectors/projection.ts';
import { directoryProjection as projection, entityKey, type DirectoryItem } from './directoryProjection.ts';
import { listKeys } from './listOrder.ts';

const T1 = '2025-04-10T12:00:00.000Z';
const T2 = '2025-04-11T09:30:00.000Z';
const T3 = '2025-04-12T18:45:00.000Z';

const ada: EventData<'user.created'> = {
  userId: 1,
  name: 'Ada Lovelace',
  firstName: 'Ada',
  lastName: 'Lovelace',
  email: 'ada@example.com',
  ownerSubject: null,
};
const account: EventData<'account.created'> = {
  accountId: 3,
  userId: 1,
  address1: '123 Main St',
  address2: null,
  city: 'Cityville',
  state: 'ST',
  zip: '12345',
};
const product = (productId: number, stock: number): EventData<'product.created'> => ({
  productId,
  name: `product ${productId}`,
  category: 'books',
  priceCents: 1999,
  stock,
});
const serviceOrder: OrderCreatedV1Data = {
  orderId: 9,
  customerId: 1,
  description: 'Consulting',
  totalCents: 5000,
  lines: [
    {
      productId: null,
      category: null,
      description: 'Consulting',
      quantity: 1,
      unitPriceCents: 5000,
      lineTotalCents: 5000,
    },
  ],
};
const line = (productId: number, quantity: number, unitPriceCents = 100) => ({
  productId,
  category: 'books',
  quantity,
  unitPriceCents,
});
const poison = (action: () => unknown) => expect(action).toThrow(PoisonEventError);
/** A listed item as stored: its fields and the keys of the indexes it is listed from (listOrder.ts). */
const listed = (item: DirectoryItem) => ({ ...item, ...listKeys(item) });

describe('directory keysOf', () => {
  const event = eventFactory();
  it('keys users, accounts, products and todos by kind and id', () => {
    const cases: [DomainEvent, string, string][] = [
      [event('user.created', ada), 'USER#1', 'USER'],
      [event('user.updated', ada), 'USER#1', 'USER'],
      [event('user.deleted', { userId: 1 }), 'USER#1', 'USER'],
      [event('account.created', account), 'ACCOUNT#3', 'ACCOUNT'],
      [event('product.created', product(4, 1)), 'PRODUCT#4', 'PRODUCT'],
      [event('todo.created', { todoId: 5, title: 'a' }), 'TODO#5', 'TODO'],
      [event('todo.completed', { todoId: 5 }), 'TODO#5', 'TODO'],
      [event('todo.deleted', { todoId: 5 }), 'TODO#5', 'TODO'],
    ];
    for (const [domainEvent, pk, sk] of cases) expect(projection.keysOf(domainEvent)).toEqual([{ pk, sk }]);
  });

  it('keys an order and each catalog product it sells, and no product for a service order', () => {
    const order = catalogOrder(8, 1, [line(4, 1), line(6, 1)]);
    const keys = projection.keysOf(event('order.created', order));
    expect(keys).toEqual([entityKey('ORDER', 8), entityKey('PRODUCT', 4), entityKey('PRODUCT', 6)]);
    expect(projection.keysOf(event('order.created', serviceOrder))).toEqual([entityKey('ORDER', 9)]);
  });
});

describe('directory evolve', () => {
  it('creates a user, keeps createdAt across an update and moves updatedAt', () => {
    const event = eventFactory();
    const created = projection.evolve(undefined, event('user.created', ada, T1), entityKey('USER', 1));
    expect(created).toEqual(
      listed({ kind: 'USER', id: 1, ...userFields(ada), createdAt: T1, updatedAt: T1 }),
    );
    const renamed = { ...ada, name: 'Ada King', lastName: 'King', email: 'king@example.com' };
    const updated = projection.evolve(created, event('user.updated', renamed, T2), entityKey('USER', 1));
    expect(updated).toEqual(
      listed({ kind: 'USER', id: 1, ...userFields(renamed), createdAt: T1, updatedAt: T2 }),
    );
    // renamed, the user moves in the lists ordered by name and email
    expect(updated.s1).not.toEqual(created.s1);
  });

  it('names the owner of a user and of a todo, keeps it across an update and drops it with the item', () => {
    const event = eventFactory();
    const key = entityKey('USER', 1);
    const created = projection.evolve(
      undefined,
      event('user.created', { ...ada, ownerSubject: 'auth0|ada' }),
      key,
    );
    expect(created).toMatchObject({ ownerSubject: 'auth0|ada', owner: 'USER#auth0|ada' });
    const updated = projection.evolve(created, event('user.updated', { ...ada, name: 'Ada King' }), key);
    expect(updated).toMatchObject({ name: 'Ada King', ownerSubject: 'auth0|ada', owner: 'USER#auth0|ada' });
    expect(projection.evolve(updated, event('user.deleted', { userId: 1 }), key)).not.toHaveProperty('owner');
    const todo = projection.evolve(
      undefined,
      event('todo.created', { todoId: 5, title: 'W', ownerSubject: 'auth0|ada' }),
      entityKey('TODO', 5),
    );
    expect(todo).toMatchObject({ owner: 'TODO#auth0|ada' });
    // nobody's: in no owner's list
    expect(projection.evolve(undefined, event('user.created', ada), key)).not.toHaveProperty('owner');
  });

  it('turns a deleted user into a tombstone without kind that keeps id and createdAt', () => {
    const event = eventFactory();
    const folded = foldProjection(projection, [
      event('user.created', ada, T1),
      event('user.updated', { ...ada, name: 'Ada King' }, T2),
      event('user.deleted', { userId: 1 }, T3),
    ]);
    const tombstone = folded.get(entityKey('USER', 1));
    expect(tombstone).toEqual({
      pk: 'USER#1',
      sk: 'USER',
      position: 4000,
      id: 1,
      deleted: true,
      createdAt: T1,
      updatedAt: T3,
    });
    expect(tombstone).not.toHaveProperty('kind');
    poison(() => projection.evolve(tombstone, event('user.deleted', { userId: 1 }), entityKey('USER', 1)));
    poison(() => projection.evolve(undefined, event('user.deleted', { userId: 2 }), entityKey('USER', 2)));
  });

  it('creates an account and a product with their fields', () => {
    const event = eventFactory();
    const { accountId: _, ...accountFields } = account;
    expect(
      projection.evolve(undefined, event('account.created', account, T1), entityKey('ACCOUNT', 3)),
    ).toEqual(
      listed({
        kind: 'ACCOUNT',
        id: 3,
        ...accountFields,
        // its user's: what that user's lists show
        owner: 'ACCOUNT#1',
        createdAt: T1,
        updatedAt: T1,
      }),
    );
    // no list shows products: they are in no index
    const { productId: __, ...productFields } = product(4, 7);
    expect(
      projection.evolve(undefined, event('product.created', product(4, 7), T1), entityKey('PRODUCT', 4)),
    ).toEqual({ kind: 'PRODUCT', id: 4, ...productFields, createdAt: T1, updatedAt: T1 });
  });

  it('records an order and reduces each product by the summed quantity of its lines', () => {
    const event = eventFactory();
    const order = catalogOrder(8, 1, [line(4, 2, 1999), line(6, 1, 500), line(4, 3, 1999)]);
    const folded = foldProjection(projection, [
      event('product.created', product(4, 10), T1),
      event('product.created', product(6, 1), T1),
      event('product.created', product(7, 5), T1),
      event('order.created', order, T2),
    ]);
    // the order as its lists show it, without its lines (they stay in the event log)
    const { customerId, description, totalCents } = order;
    const orderFields = { customerId, description, totalCents };
    expect(folded.get(entityKey('ORDER', 8))).toMatchObject({
      kind: 'ORDER',
      id: 8,
      ...orderFields,
      createdAt: T2,
      updatedAt: T2,
    });
    expect(folded.get(entityKey('ORDER', 8))).not.toHaveProperty('lines');
    expect(folded.get(entityKey('PRODUCT', 4))).toMatchObject({ stock: 5, createdAt: T1, updatedAt: T2 });
    expect(folded.get(entityKey('PRODUCT', 6))).toMatchObject({ stock: 0, createdAt: T1, updatedAt: T2 });
    expect(folded.get(entityKey('PRODUCT', 7))).toMatchObject({ stock: 5, updatedAt: T1, position: 4000 });
    expect(folded.parked).toEqual([]);
  });

  it('records a service order without touching any product', () => {
    const event = eventFactory();
    const folded = foldProjection(projection, [
      event('product.created', product(4, 10), T1),
      event('order.created', serviceOrder, T2),
    ]);
    expect(folded.get(entityKey('ORDER', 9))).toMatchObject({ kind: 'ORDER', totalCents: 5000 });
    expect(folded.get(entityKey('PRODUCT', 4))).toMatchObject({ stock: 10, position: 2000 });
  });

  it('parks an order on an unknown product, changing none of its items', () => {
    const event = eventFactory();
    const orderEvent = event('order.created', catalogOrder(8, 1, [line(4, 1), line(99, 1)]), T2);
    poison(() => projection.evolve(undefined, orderEvent, entityKey('PRODUCT', 99)));
    const folded = foldProjection(projection, [event('product.created', product(4, 10), T1), orderEvent]);
    expect(folded.parked).toEqual([orderEvent]);
    expect(folded.get(entityKey('ORDER', 8))).toBeUndefined();
    expect(folded.get(entityKey('PRODUCT', 4))).toMatchObject({ stock: 10 });
  });

  it('parks an order that would take a product below zero stock', () => {
    const event = eventFactory();
    const stocked = foldProjection(projection, [event('product.created', product(4, 3), T1)]);
    const tooMany = event('order.created', catalogOrder(8, 1, [line(4, 2), line(4, 2)]), T2);
    poison(() => projection.evolve(stocked.get(entityKey('PRODUCT', 4)), tooMany, entityKey('PRODUCT', 4)));
    const folded = foldProjection(projection, [tooMany], stocked);
    expect(folded.parked).toEqual([tooMany]);
    expect(folded.get(entityKey('PRODUCT', 4))).toMatchObject({ stock: 3 });
    const exact = event('order.created', catalogOrder(10, 1, [line(4, 3)]), T3);
    expect(foldProjection(projection, [exact], folded).get(entityKey('PRODUCT', 4))).toMatchObject({
      stock: 0,
    });
  });

  it('creates, completes and deletes a todo', () => {
    const event = eventFactory();
    const key = entityKey('TODO', 5);
    const created = projection.evolve(undefined, event('todo.created', { todoId: 5, title: 'W' }, T1), key);
    expect(created).toEqual(
      listed({
        kind: 'TODO',
        id: 5,
        title: 'W',
        completed: false,
        ownerSubject: null,
        createdAt: T1,
        updatedAt: T1,
      }),
    );
    const completed = projection.evolve(created, event('todo.completed', { todoId: 5 }, T2), key);
    expect(completed).toEqual({ ...created, completed: true, updatedAt: T2 });
    const deleted = projection.evolve(completed, event('todo.deleted', { todoId: 5 }, T3), key);
    expect(deleted).toEqual({ id: 5, deleted: true, createdAt: T1, updatedAt: T3 });
    for (const before of [undefined, deleted]) {
      poison(() => projection.evolve(before, event('todo.completed', { todoId: 5 }), key));
      poison(() => projection.evolve(before, event('todo.deleted', { todoId: 5 }), key));
    }
  });
});

describe('directory fold properties', () => {
  const event = eventFactory();
  const events: DomainEvent[] = [
    event('product.created', product(4, 20), T1),
    event('user.created', ada, T1),
    event('todo.created', { todoId: 5, title: 'a' }, T1),
    event('product.created', product(6, 20), T1),
    event('account.created', account, T1),
    event('order.created', catalogOrder(8, 1, [line(4, 2), line(6, 1)]), T2),
    event('user.updated', { ...ada, name: 'Ada King' }, T2),
    event('todo.completed', { todoId: 5 }, T2),
    event('todo.created', { todoId: 7, title: 'b' }, T2),
    event('order.created', serviceOrder, T2),
    event('order.created', catalogOrder(10, 1, [line(6, 4), line(4, 1), line(6, 1)]), T3),
    event('todo.deleted', { todoId: 5 }, T3),
    event('user.deleted', { userId: 1 }, T3),
    event('order.created', catalogOrder(11, 1, [line(4, 30)]), T3), // poison: not enough stock
  ];
  const once = foldProjection(projection, events);

  it('folds the scenario as expected', () => {
    expect(once.parked.map((parked) => parked.position)).toEqual([15000]);
    expect(once.get(entityKey('PRODUCT', 4))).toMatchObject({ stock: 17 });
    expect(once.get(entityKey('PRODUCT', 6))).toMatchObject({ stock: 14 });
  });

  itKeepsFoldProperties(projection, events, once, 6);

  it('ignores an event for an item that already has a later one', () => {
    const late = { ...events[6]!, position: 2500 } as DomainEvent; // staler than anything the user item has seen
    const lateOrder = { ...event('order.created', catalogOrder(12, 1, [line(4, 1)]), T2), position: 5500 };
    const folded = foldProjection(projection, [late, lateOrder], once);
    expect(folded.get(entityKey('USER', 1))).toEqual(once.get(entityKey('USER', 1)));
    expect(folded.get(entityKey('ORDER', 12))).toMatchObject({ kind: 'ORDER', position: 5500 });
    expect(folded.get(entityKey('PRODUCT', 4))).toEqual(once.get(entityKey('PRODUCT', 4)));
  });
});

function userFields(data: EventData<'user.created'>) {
  const { userId: _, ...fields } = data;
  return fields;
}
