// Valid event envelopes for tests, with increasing positions.
import { randomUUID } from 'node:crypto';
import { latestVersions, type DomainEvent, type EventData, type EventType } from '../../events/contracts.ts';
import { parseStoredEvent } from '../../events/storedEvents.ts';
import type { OrderCreatedV1Data } from '../../events/versions/orderCreatedV1.ts';

/** What a test may write: the latest payload, or order.created in its v1 shape (read back upcast). */
export type StoredData<T extends EventType> = T extends 'order.created'
  ? EventData<T> | OrderCreatedV1Data
  : EventData<T>;

/** A stored envelope read back as consumers read it: order.created in its v1 shape comes back upcast. */
export function storedEvent<T extends EventType>(envelope: {
  eventId?: string;
  type: T;
  position: number;
  occurredAt: string;
  aggregateId: string;
  correlationId?: string;
  data: StoredData<T>;
}): DomainEvent {
  const parsed = parseStoredEvent({
    eventId: randomUUID(),
    correlationId: 'test',
    ...envelope,
    version:
      envelope.type === 'order.created' && !('currency' in envelope.data) ? 1 : latestVersions[envelope.type],
  });
  if (!parsed.success) throw parsed.error;
  return parsed.data;
}

export function eventFactory(start = 1000) {
  let position = start;
  return <T extends EventType>(
    type: T,
    data: StoredData<T>,
    occurredAt = '2025-04-10T12:00:00.000Z',
  ): DomainEvent => {
    position += 1000;
    return storedEvent({ type, position, occurredAt, aggregateId: String(Object.values(data)[0]), data });
  };
}

/** An order of catalog lines, priced as the command side would. */
export function catalogOrder(
  orderId: number,
  customerId: number,
  lines: { productId: number; category: string; quantity: number; unitPriceCents: number }[],
): OrderCreatedV1Data {
  const priced = lines.map((line) => ({
    ...line,
    description: `product ${line.productId}`,
    lineTotalCents: line.quantity * line.unitPriceCents,
  }));
  return {
    orderId,
    customerId,
    description: priced.map((line) => line.description).join(', '),
    totalCents: priced.reduce((sum, line) => sum + line.lineTotalCents, 0),
    lines: priced,
  };
}
