// Valid event envelopes for tests, with increasing positions.
import { randomUUID } from 'node:crypto';
import { latestVersions, type DomainEvent, type EventData, type EventType } from '../../events/contracts.ts';
import { parseStoredEvent } from '../../events/storedEvents.ts';
import type { EventOf } from '../../functions/projectors/projection.ts';
import type { OrderCreatedV1Data } from '../../events/versions/orderCreatedV1.ts';
import type { TodoCreatedV1Data } from '../../events/versions/todoCreatedV1.ts';
import type { UserCreatedV1Data } from '../../events/versions/userCreatedV1.ts';

/** The v1 shapes a test may write instead of the latest (read back upcast). */
interface OlderShapes {
  'order.created': OrderCreatedV1Data;
  'user.created': UserCreatedV1Data;
  'todo.created': TodoCreatedV1Data;
}

/** What a test may write: the latest payload, or an older version's (read back upcast). */
export type StoredData<T extends EventType> = T extends keyof OlderShapes
  ? EventData<T> | OlderShapes[T]
  : EventData<T>;

/** The field each newer version added: without it, the data is the v1 shape. */
const ADDED_IN_LATEST: Record<keyof OlderShapes, string> = {
  'order.created': 'currency',
  'user.created': 'ownerSubject',
  'todo.created': 'ownerSubject',
};

/** A stored envelope read back as consumers read it: an older version's shape comes back upcast. */
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
      envelope.type in ADDED_IN_LATEST &&
      !(ADDED_IN_LATEST[envelope.type as keyof OlderShapes] in (envelope.data as object))
        ? 1
        : latestVersions[envelope.type],
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
  ): EventOf<T> => {
    position += 1000;
    // upcast to its type's latest version: still an event of type T
    return storedEvent({
      type,
      position,
      occurredAt,
      aggregateId: String(Object.values(data)[0]),
      data,
    }) as EventOf<T>;
  };
}

/** The one line of a service order (v1, no product): a Widget at $50. */
export const widgetLine = {
  productId: null,
  category: null,
  description: 'Widget',
  quantity: 1,
  unitPriceCents: 5000,
  lineTotalCents: 5000,
};

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
