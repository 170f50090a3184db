import { afterEach, describe, expect, it } from 'vitest';
import type { DomainEvent, EventData } from '../../events/contracts.ts';
import { catalogOrder, eventFactory } from '../../tests/support/events.ts';
import { foldProjection } from '../../tests/support/foldProjection.ts';
import { itKeepsFoldProperties } from '../../tests/support/foldProperties.ts';
import { keysTouched, PoisonEventError } from '../projectors/projection.ts';
import {
  accountKey,
  invoiceKey,
  invoiceProjection as projection,
  shippingAddress,
  type Invoice,
} from './invoiceProjection.ts';

const ada: EventData<'user.created'> = {
  userId: 7,
  name: 'Ada Lovelace',
  firstName: 'Ada',
  lastName: 'Lovelace',
  email: 'ada@example.com',
  ownerSubject: null,
};
const address = { address1: '123 Main St', address2: null, city: 'Cityville', state: 'ST', zip: '12345' };
const account: EventData<'account.created'> = { accountId: 3, userId: 7, ...address };
const order = (orderId: number, customerId: number, cents: number) =>
  catalogOrder(orderId, customerId, [
    { productId: 1, category: 'books', quantity: 1, unitPriceCents: cents },
  ]);

describe('invoice keysOf', () => {
  const event = eventFactory();
  it('keys the account copy by user for user and account events', () => {
    expect(projection.keysOf(event('user.created', ada))).toMatchObject([{ pk: 'USER#7', sk: 'ACCOUNT' }]);
    expect(projection.keysOf(event('user.updated', ada))).toEqual([accountKey(7)]);
    expect(projection.keysOf(event('user.deleted', { userId: 7 }))).toEqual([accountKey(7)]);
    expect(projection.keysOf(event('account.created', account))).toEqual([accountKey(7)]);
  });

  it('gives no keys for other event types', () => {
    const product = { productId: 1, name: 'p', category: 'c', priceCents: 1, stock: 1 };
    expect(keysTouched(projection, event('product.created', product))).toEqual([]);
    expect(keysTouched(projection, event('todo.created', { todoId: 1, title: 't' }))).toEqual([]);
    expect(keysTouched(projection, event('todo.completed', { todoId: 1 }))).toEqual([]);
    expect(keysTouched(projection, event('todo.deleted', { todoId: 1 }))).toEqual([]);
  });

  describe('keys an order by customer and the UTC month of occurredAt', () => {
    const saved = process.env.TZ;
    afterEach(() => {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    });
    // the process time zone must not matter: one zone is behind UTC, the other ahead of it
    for (const zone of ['America/Los_Angeles', 'Pacific/Kiritimati']) {
      it(`in time zone ${zone}`, () => {
        process.env.TZ = zone;
        const keyAt = (at: string) => projection.keysOf(event('order.created', order(1, 7, 100), at));
        expect(keyAt('2025-04-30T23:30:00.000Z')).toMatchObject([{ pk: 'USER#7', sk: 'INVOICE#2025-04' }]);
        expect(keyAt('2025-05-01T00:10:00.000Z')).toMatchObject([{ pk: 'USER#7', sk: 'INVOICE#2025-05' }]);
        expect(keyAt('2025-12-31T23:59:59.999Z')).toEqual([invoiceKey(7, 2025, 12)]);
        expect(keyAt('2026-01-01T00:00:00.000Z')).toEqual([invoiceKey(7, 2026, 1)]);
        const invoice = projection.evolve(
          undefined,
          event('order.created', order(1, 7, 100), '2025-05-01T00:10:00.000Z'),
          invoiceKey(7, 2025, 5),
        ) as Invoice;
        expect(invoice).toMatchObject({
          invoiceId: '7-2025-05',
          month: 5,
          invoiceDt: '2025-05-01T00:00:00Z',
        });
      });
    }
  });
});

describe('invoice account copy', () => {
  const expected = {
    userId: 7,
    name: 'Ada Lovelace',
    email: 'ada@example.com',
    shippingAddress: '123 Main St, Cityville, ST 12345',
    deleted: false,
  };

  it('is the same whether the user or the account is created first', () => {
    const userFirst = eventFactory();
    const a = foldProjection(projection, [
      userFirst('user.created', ada),
      userFirst('account.created', account),
    ]);
    const accountFirst = eventFactory();
    const b = foldProjection(projection, [
      accountFirst('account.created', account),
      accountFirst('user.created', ada),
    ]);
    expect(a.get(accountKey(7))).toMatchObject(expected);
    expect(b.get(accountKey(7))).toMatchObject(expected);
    expect(projection.evolve(undefined, accountFirst('account.created', account), accountKey(7))).toEqual({
      userId: 7,
      name: null,
      email: null,
      shippingAddress: '123 Main St, Cityville, ST 12345',
    });
  });

  it('follows an update, keeps the address, and marks a deletion', () => {
    const event = eventFactory();
    const renamed = { ...ada, name: 'Ada King', email: 'king@example.com' };
    const updated = foldProjection(projection, [
      event('user.created', ada),
      event('account.created', account),
      event('user.updated', renamed),
    ]);
    expect(updated.get(accountKey(7))).toMatchObject({
      ...expected,
      name: 'Ada King',
      email: 'king@example.com',
    });
    const deleted = foldProjection(projection, [event('user.deleted', { userId: 7 })], updated);
    expect(deleted.get(accountKey(7))).toMatchObject({
      ...expected,
      name: 'Ada King',
      email: 'king@example.com',
      deleted: true,
    });
    // a user deleted before anything else arrived still gets a (deleted) copy
    expect(projection.evolve(undefined, event('user.deleted', { userId: 8 }), accountKey(8))).toEqual({
      userId: 8,
      name: null,
      email: null,
      shippingAddress: null,
      deleted: true,
    });
  });

  it('formats the shipping address with and without address2', () => {
    expect(shippingAddress(address)).toBe('123 Main St, Cityville, ST 12345');
    expect(shippingAddress({ ...address, address2: '' })).toBe('123 Main St, Cityville, ST 12345');
    expect(shippingAddress({ ...address, address2: 'Apt 4' })).toBe(
      '123 Main St, Apt 4, Cityville, ST 12345',
    );
    const event = eventFactory();
    const withApt = event('account.created', { ...account, address2: 'Apt 4' });
    expect(projection.evolve(undefined, withApt, accountKey(7))).toMatchObject({
      shippingAddress: '123 Main St, Apt 4, Cityville, ST 12345',
    });
  });
});

describe('invoices', () => {
  it('opens an invoice per user and UTC month and appends orders with exact totals', () => {
    const event = eventFactory();
    const orders = [
      event('order.created', order(1, 7, 1999), '2025-04-01T00:00:00.000Z'),
      event('order.created', order(2, 7, 1999), '2025-04-15T10:00:00.000Z'),
      event('order.created', order(3, 7, 1999), '2025-04-30T23:30:00.000Z'),
      event('order.created', order(4, 7, 1999), '2025-05-01T00:10:00.000Z'),
    ];
    const folded = foldProjection(projection, orders);
    const april = folded.get(invoiceKey(7, 2025, 4));
    expect(april).toEqual({
      pk: 'USER#7',
      sk: 'INVOICE#2025-04',
      position: orders[2]!.position,
      invoiceId: '7-2025-04',
      userId: 7,
      year: 2025,
      month: 4,
      invoiceDt: '2025-04-01T00:00:00Z',
      orders: [1, 2, 3].map((orderId, index) => ({
        orderId,
        description: 'product 1',
        amountCents: 1999,
        purchasedAt: orders[index]!.occurredAt,
      })),
      totalCents: 5997,
    });
    expect(folded.get(invoiceKey(7, 2025, 5))).toMatchObject({ invoiceId: '7-2025-05', totalCents: 1999 });
    expect(folded.get(accountKey(7))).toBeUndefined();
  });

  it('keeps invoices of different users apart, also for a customer with no user', () => {
    const event = eventFactory();
    const folded = foldProjection(projection, [
      event('user.created', ada),
      event('order.created', order(1, 7, 500)),
      event('order.created', order(2, 99, 250)),
    ]);
    expect(folded.get(invoiceKey(7, 2025, 4))).toMatchObject({ userId: 7, totalCents: 500 });
    expect(folded.get(invoiceKey(99, 2025, 4))).toMatchObject({
      invoiceId: '99-2025-04',
      userId: 99,
      totalCents: 250,
    });
    expect(folded.get(accountKey(99))).toBeUndefined();
  });

  it('parks a second order with the same id on the same invoice', () => {
    const event = eventFactory();
    const first = foldProjection(projection, [event('order.created', order(1, 7, 500))]);
    const duplicate = event('order.created', order(1, 7, 700));
    expect(() =>
      projection.evolve(first.get(invoiceKey(7, 2025, 4)), duplicate, invoiceKey(7, 2025, 4)),
    ).toThrow(PoisonEventError);
    const folded = foldProjection(projection, [duplicate], first);
    expect(folded.parked).toEqual([duplicate]);
    expect(folded.get(invoiceKey(7, 2025, 4))).toEqual(first.get(invoiceKey(7, 2025, 4)));
  });
});

describe('invoice fold properties', () => {
  const event = eventFactory();
  const events: DomainEvent[] = [
    event('order.created', order(1, 7, 1999), '2025-04-02T08:00:00.000Z'),
    event('account.created', account),
    event('user.created', { ...ada, userId: 8 }),
    event('order.created', order(2, 8, 10), '2025-04-30T23:30:00.000Z'),
    event('user.created', ada),
    event('order.created', order(3, 7, 1), '2025-05-01T00:10:00.000Z'),
    event('order.created', order(4, 7, 20), '2025-04-20T08:00:00.000Z'),
    event('user.updated', { ...ada, name: 'Ada King' }),
    event('order.created', order(1, 7, 1999), '2025-04-03T08:00:00.000Z'), // poison: order 1 again
    event('user.deleted', { userId: 8 }),
    event('order.created', order(5, 8, 30), '2025-05-31T23:59:59.999Z'),
  ];
  const once = foldProjection(projection, events);

  it('folds the scenario as expected', () => {
    expect(once.parked).toEqual([events[8]]);
    expect(once.get(invoiceKey(7, 2025, 4))).toMatchObject({ totalCents: 2019 });
    expect(once.get(accountKey(7))).toMatchObject({ name: 'Ada King', shippingAddress: expect.any(String) });
  });

  itKeepsFoldProperties(projection, events, once, 5);

  it('ignores an event for an item that already has a later one', () => {
    const lateRename = { ...event('user.updated', { ...ada, name: 'Old Name' }), position: 2500 };
    const lateOrder = {
      ...event('order.created', order(6, 7, 40), '2025-04-25T08:00:00.000Z'),
      position: 4500,
    };
    const lateNewMonth = {
      ...event('order.created', order(7, 7, 50), '2025-06-01T08:00:00.000Z'),
      position: 4600,
    };
    const folded = foldProjection(projection, [lateRename, lateOrder, lateNewMonth], once);
    expect(folded.get(accountKey(7))).toEqual(once.get(accountKey(7)));
    expect(folded.get(invoiceKey(7, 2025, 4))).toEqual(once.get(invoiceKey(7, 2025, 4)));
    expect(folded.get(invoiceKey(7, 2025, 6))).toMatchObject({ totalCents: 50, position: 4600 });
  });
});
