// The domain events: one zod schema per (type, version), the single source of their TypeScript
// types and of the JSON Schema files generated under events/schemas/.
import { z } from 'zod';

const id = z.number().int().positive();
const cents = z.number().int().nonnegative();

const userData = z.object({
  userId: id,
  name: z.string(),
  firstName: z.string(),
  lastName: z.string(),
  email: z.string(),
});

/** The payload of every event type, by type; a published shape never changes (a new version would). */
export const eventDataSchemas = {
  'user.created': userData,
  'user.updated': userData,
  'user.deleted': z.object({ userId: id }),
  'account.created': z.object({
    accountId: id,
    userId: id,
    address1: z.string(),
    address2: z.string().nullable(),
    city: z.string(),
    state: z.string(),
    zip: z.string(),
  }),
  'product.created': z.object({
    productId: id,
    name: z.string(),
    category: z.string(),
    priceCents: cents,
    stock: z.number().int().nonnegative(),
  }),
  'order.created': z.object({
    orderId: id,
    customerId: id,
    description: z.string(),
    totalCents: cents,
    lines: z
      .array(
        z.object({
          /** null for an order-service order, which has no catalog product */
          productId: id.nullable(),
          category: z.string().nullable(),
          description: z.string(),
          quantity: z.number().int().positive(),
          unitPriceCents: cents,
          lineTotalCents: cents,
        }),
      )
      .min(1),
  }),
  'todo.created': z.object({ todoId: id, title: z.string() }),
  'todo.completed': z.object({ todoId: id }),
  'todo.deleted': z.object({ todoId: id }),
} as const;

export type EventType = keyof typeof eventDataSchemas;
export type EventData<T extends EventType> = z.infer<(typeof eventDataSchemas)[T]>;
export const eventTypes = Object.keys(eventDataSchemas) as EventType[];

/** What a command decides: the event before the log gives it an id, a time and a position. */
export type PendingEvent = {
  [T in EventType]: { type: T; version: 1; aggregateId: string; data: EventData<T> };
}[EventType];

export function pendingEvent<T extends EventType>(
  type: T,
  aggregateId: string | number,
  data: EventData<T>,
): Extract<PendingEvent, { type: T }> {
  return { type, version: 1, aggregateId: String(aggregateId), data } as Extract<PendingEvent, { type: T }>;
}

function envelopeOf<T extends EventType>(type: T) {
  return z.object({
    eventId: z.uuid(),
    type: z.literal(type),
    version: z.literal(1),
    /** global, gap-tolerant, increasing in publication order (docs/decisions.md) */
    position: z.number().int().positive(),
    occurredAt: z.iso.datetime({ offset: false }),
    aggregateId: z.string().min(1),
    correlationId: z.string().min(1),
    data: eventDataSchemas[type] as (typeof eventDataSchemas)[T],
  });
}

export const envelopeSchemas = {
  'user.created': envelopeOf('user.created'),
  'user.updated': envelopeOf('user.updated'),
  'user.deleted': envelopeOf('user.deleted'),
  'account.created': envelopeOf('account.created'),
  'product.created': envelopeOf('product.created'),
  'order.created': envelopeOf('order.created'),
  'todo.created': envelopeOf('todo.created'),
  'todo.completed': envelopeOf('todo.completed'),
  'todo.deleted': envelopeOf('todo.deleted'),
} satisfies { [T in EventType]: ReturnType<typeof envelopeOf<T>> };

/** Any published event, discriminated by `type`. */
export const domainEventSchema = z.discriminatedUnion('type', [
  envelopeSchemas['user.created'],
  envelopeSchemas['user.updated'],
  envelopeSchemas['user.deleted'],
  envelopeSchemas['account.created'],
  envelopeSchemas['product.created'],
  envelopeSchemas['order.created'],
  envelopeSchemas['todo.created'],
  envelopeSchemas['todo.completed'],
  envelopeSchemas['todo.deleted'],
]);
export type DomainEvent = z.infer<typeof domainEventSchema>;
