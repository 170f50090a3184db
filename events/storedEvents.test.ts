// Event versioning: order.created v1 (as stored in the log and in fixtures) is read as v2.
import { describe, expect, it } from 'vitest';
import { domainEventSchema } from './contracts.ts';
import { widgetLine } from '../tests/support/events.ts';
import { parseStoredEvent } from './storedEvents.ts';
import { upcastOrderCreatedV1 } from './versions/orderCreatedV1.ts';

const v1 = {
  eventId: '0f8fad5b-d9cb-469f-a165-70867728950e',
  type: 'order.created',
  version: 1,
  position: 3000,
  occurredAt: '2025-04-03T10:15:00.000Z',
  aggregateId: '1',
  correlationId: 'fixture',
  data: {
    orderId: 1,
    customerId: 1,
    description: 'Widget',
    totalCents: 5000,
    lines: [widgetLine],
  },
};

describe('order.created v1 → v2', () => {
  it('upcasts a v1 event to a valid v2 event, in dollars, from the order service when no line names a product', () => {
    const read = parseStoredEvent(v1);
    expect(read.success).toBe(true);
    if (!read.success) return;
    expect(read.data).toEqual({
      ...v1,
      version: 2,
      data: { ...v1.data, currency: 'USD', channel: 'order-service' },
    });
    expect(domainEventSchema.parse(read.data)).toEqual(read.data);
  });

  it('calls an order with a catalog line a catalog order', () => {
    const line = {
      productId: 3,
      category: 'tools',
      description: 'Widget',
      quantity: 1,
      unitPriceCents: 5000,
      lineTotalCents: 5000,
    };
    expect(upcastOrderCreatedV1({ ...v1.data, lines: [line] }).channel).toBe('catalog');
  });

  it('validates a v1 event against the v1 schema before upcasting it', () => {
    expect(
      parseStoredEvent({ ...v1, data: { ...v1.data, currency: undefined, totalCents: -1 } }).success,
    ).toBe(false);
    // v1 had no currency: a v1 event is read by its version, not by its shape
    expect(parseStoredEvent({ ...v1, version: 2 }).success).toBe(false);
  });

  it('reads the latest version as it is', () => {
    const v2 = { ...v1, version: 2, data: { ...v1.data, currency: 'EUR', channel: 'catalog' } };
    expect(parseStoredEvent(v2)).toEqual({ success: true, data: v2 });
  });
});
