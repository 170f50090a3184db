// Valid event envelopes for tests, with increasing positions.
import { randomUUID } from 'node:crypto';
import {
  domainEventSchema,
  type DomainEvent,
  type EventData,
  type EventType,
} from '../../events/contracts.ts';

export function eventFactory(start = 1000) {
  let position = start;
  return <T extends EventType>(
    type: T,
    data: EventData<T>,
    occurredAt = '2025-04-10T12:00:00.000Z',
  ): DomainEvent => {
    position += 1000;
    return domainEventSchema.parse({
      eventId: randomUUID(),
      type,
      version: 1,
      position,
      occurredAt,
      aggregateId: String(Object.values(data)[0]),
      correlationId: 'test',
      data,
    });
  };
}

/** An order of catalog lines, priced as the command side would. */
export function catalogOrder(
  orderId: number,
  customerId: number,
  lines: { productId: number; category: string; quantity: number; unitPriceCents: number }[],
): EventData<'order.created'> {
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
