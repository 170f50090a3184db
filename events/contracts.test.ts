import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  domainEventSchema,
  eventTypes,
  latestVersions,
  pendingEvent,
  type EventData,
  type EventType,
} from './contracts.ts';

const userData = { userId: 1, name: 'Ada Lovelace', firstName: 'Ada', lastName: 'Lovelace', email: 'a@b.co' };
const ownerSubject = 'auth0|ada';

/** One valid payload per event type; the mapped type makes a new event type a compile error here. */
const samples: { [T in EventType]: EventData<T> } = {
  'user.created': { ...userData, ownerSubject },
  'user.updated': userData,
  'user.deleted': { userId: 1 },
  'account.created': {
    accountId: 2,
    userId: 1,
    address1: '1 Main St',
    address2: null,
    city: 'London',
    state: 'LDN',
    zip: 'N1',
  },
  'product.created': { productId: 3, name: 'Widget', category: 'tools', priceCents: 2999, stock: 10 },
  'order.created': {
    orderId: 4,
    customerId: 1,
    description: 'Widget x3',
    totalCents: 8997,
    currency: 'USD',
    channel: 'catalog',
    lines: [
      {
        productId: 3,
        category: 'tools',
        description: 'Widget',
        quantity: 3,
        unitPriceCents: 2999,
        lineTotalCents: 8997,
      },
    ],
  },
  'todo.created': { todoId: 5, title: 'Write tests', ownerSubject: null },
  'todo.completed': { todoId: 5 },
  'todo.deleted': { todoId: 5 },
};

function envelope(type: EventType, overrides: Record<string, unknown> = {}) {
  return {
    eventId: randomUUID(),
    type,
    version: latestVersions[type],
    position: 17,
    occurredAt: '2025-06-01T12:34:56.789Z',
    aggregateId: '42',
    correlationId: 'corr-1',
    data: samples[type],
    ...overrides,
  };
}

describe('pendingEvent', () => {
  it.each(eventTypes)('builds a %s event at its latest version with a string aggregate id', (type) => {
    expect(pendingEvent(type, 42, samples[type])).toEqual({
      type,
      version: latestVersions[type],
      aggregateId: '42',
      data: samples[type],
    });
  });

  it('keeps a string aggregate id as it is', () => {
    expect(pendingEvent('todo.deleted', 'abc', { todoId: 5 }).aggregateId).toBe('abc');
  });
});

describe('domainEventSchema', () => {
  it('knows nine event types', () => {
    expect(eventTypes).toHaveLength(9);
  });

  it.each(eventTypes)('accepts a complete %s envelope', (type) => {
    const event = envelope(type);
    expect(domainEventSchema.parse(event)).toEqual(event);
  });

  it.each(eventTypes)('refuses a %s envelope at another version than the latest', (type) => {
    expect(domainEventSchema.safeParse(envelope(type, { version: latestVersions[type] + 1 })).success).toBe(
      false,
    );
  });

  it.each(eventTypes)('refuses a %s envelope missing a data field', (type) => {
    for (const key of Object.keys(samples[type])) {
      const data: Record<string, unknown> = { ...samples[type] };
      delete data[key];
      expect(domainEventSchema.safeParse(envelope(type, { data })).success, key).toBe(false);
    }
  });

  it.each(['2025-06-01T12:34:56+02:00', '2025-06-01T12:34:56.789-05:00', '2025-06-01', 'yesterday'])(
    'refuses occurredAt %j',
    (occurredAt) => {
      expect(domainEventSchema.safeParse(envelope('todo.created', { occurredAt })).success).toBe(false);
    },
  );

  it.each(['not-a-uuid', '', '12345678-1234-1234-1234-1234567890'])('refuses eventId %j', (eventId) => {
    expect(domainEventSchema.safeParse(envelope('user.created', { eventId })).success).toBe(false);
  });

  it('refuses an unknown type and a payload of another type', () => {
    expect(domainEventSchema.safeParse({ ...envelope('todo.created'), type: 'todo.renamed' }).success).toBe(
      false,
    );
    expect(
      domainEventSchema.safeParse(envelope('todo.created', { data: samples['user.created'] })).success,
    ).toBe(false);
  });

  it('refuses an order without lines, a negative amount and a non-positive position', () => {
    const order = samples['order.created'];
    const refuse = (overrides: Record<string, unknown>) =>
      expect(domainEventSchema.safeParse(envelope('order.created', overrides)).success).toBe(false);
    refuse({ data: { ...order, lines: [] } });
    refuse({ data: { ...order, totalCents: -1 } });
    refuse({ position: 0 });
    refuse({ aggregateId: '' });
    refuse({ correlationId: '' });
  });
});
