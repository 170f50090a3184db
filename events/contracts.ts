// The domain events: one zod schema per (type, version), the single source of their TypeScript
// types and of the JSON Schema files generated under events/schemas/.
import { z } from 'zod';
import { cents, id } from './fields.ts';
import { orderCreatedV1Data } from './versions/orderCreatedV1.ts';
import { todoCreatedV1Data } from './versions/todoCreatedV1.ts';
import { userCreatedV1Data } from './versions/userCreatedV1.ts';

/** The subject (`sub` claim) of the token that owns the entity; null: nobody's (signing in off). */
const ownerSubject = z.string().min(1).nullable();

/** user.updated: the user's fields, as user.created v1 had them (the owner never changes) */
const userUpdatedData = userCreatedV1Data;

/** user.created v2: v1 plus the subject the user is tied to. */
export const userCreatedV2Data = userCreatedV1Data.extend({ ownerSubject });

/** todo.created v2: v1 plus the subject that owns the todo. */
export const todoCreatedV2Data = todoCreatedV1Data.extend({ ownerSubject });

/**
 * order.created v2: v1 plus the currency of its amounts and the channel that placed it. Earlier
 * versions live in events/versions/ with their upcasters.
 */
export const orderCreatedV2Data = orderCreatedV1Data.extend({
  currency: z.string().regex(/^[A-Z]{3}$/),
  channel: z.enum(['order-service', 'catalog']),
});

/** The payload of every event type at its latest version; a published shape never changes. */
export const eventDataSchemas = {
  'user.created': userCreatedV2Data,
  'user.updated': userUpdatedData,
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
  'order.created': orderCreatedV2Data,
  'todo.created': todoCreatedV2Data,
  'todo.completed': z.object({ todoId: id }),
  'todo.deleted': z.object({ todoId: id }),
} as const;

export type EventType = keyof typeof eventDataSchemas;

/** The version every new event of a type is written at. */
export const latestVersions = {
  'user.created': 2,
  'user.updated': 1,
  'user.deleted': 1,
  'account.created': 1,
  'product.created': 1,
  'order.created': 2,
  'todo.created': 2,
  'todo.completed': 1,
  'todo.deleted': 1,
} as const satisfies Record<EventType, number>;
type LatestVersion<T extends EventType> = (typeof latestVersions)[T];
export type EventData<T extends EventType> = z.infer<(typeof eventDataSchemas)[T]>;
export const eventTypes = Object.keys(eventDataSchemas) as EventType[];

/** What a command decides: the event before the log gives it an id, a time and a position. */
export type PendingEvent = {
  [T in EventType]: { type: T; version: LatestVersion<T>; aggregateId: string; data: EventData<T> };
}[EventType];

export function pendingEvent<T extends EventType>(
  type: T,
  aggregateId: string | number,
  data: EventData<T>,
): Extract<PendingEvent, { type: T }> {
  return { type, version: latestVersions[type], aggregateId: String(aggregateId), data } as Extract<
    PendingEvent,
    { type: T }
  >;
}

/** The envelope around a payload schema: the same for every type and version. */
export function envelope<T extends string, V extends number, D extends z.ZodType>(
  type: T,
  version: V,
  data: D,
) {
  return z.object({
    eventId: z.uuid(),
    type: z.literal(type),
    version: z.literal(version),
    /** global, gap-tolerant, increasing in publication order (decision 0001) */
    position: z.number().int().positive(),
    occurredAt: z.iso.datetime({ offset: false }),
    aggregateId: z.string().min(1),
    correlationId: z.string().min(1),
    data,
  });
}

function envelopeOf<T extends EventType>(type: T) {
  return z.object({
    ...envelope(type, latestVersions[type] as LatestVersion<T>, z.unknown()).shape,
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

/** Any event at its latest version, discriminated by `type`; older versions are upcast first (parseStoredEvent). */
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
