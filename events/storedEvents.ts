// Reading events as they were stored or published, at any version: older versions are validated
// against their own schema, then upcast to the latest. Every consumer reads events through here.
import type { z } from 'zod';
import { domainEventSchema, envelope, type DomainEvent } from './contracts.ts';
import { orderCreatedV1Data, upcastOrderCreatedV1 } from './versions/orderCreatedV1.ts';
import { todoCreatedV1Data, upcastTodoCreatedV1 } from './versions/todoCreatedV1.ts';
import { upcastUserCreatedV1, userCreatedV1Data } from './versions/userCreatedV1.ts';

/** Each older version of an event type: its envelope schema and how to bring it to the latest. */
const olderVersions = [
  {
    type: 'order.created',
    version: 1,
    schema: envelope('order.created', 1, orderCreatedV1Data),
    upcast: (event: z.infer<ReturnType<typeof envelope<'order.created', 1, typeof orderCreatedV1Data>>>) =>
      ({ ...event, version: 2, data: upcastOrderCreatedV1(event.data) }) as DomainEvent,
  },
  {
    type: 'user.created',
    version: 1,
    schema: envelope('user.created', 1, userCreatedV1Data),
    upcast: (event: z.infer<ReturnType<typeof envelope<'user.created', 1, typeof userCreatedV1Data>>>) =>
      ({ ...event, version: 2, data: upcastUserCreatedV1(event.data) }) as DomainEvent,
  },
  {
    type: 'todo.created',
    version: 1,
    schema: envelope('todo.created', 1, todoCreatedV1Data),
    upcast: (event: z.infer<ReturnType<typeof envelope<'todo.created', 1, typeof todoCreatedV1Data>>>) =>
      ({ ...event, version: 2, data: upcastTodoCreatedV1(event.data) }) as DomainEvent,
  },
] as const;

export const legacyEnvelopeSchemas = olderVersions.map(({ type, version, schema }) => ({
  type,
  version,
  schema,
}));

export type StoredEventParse = { success: true; data: DomainEvent } | { success: false; error: z.ZodError };

export function parseStoredEvent(json: unknown): StoredEventParse {
  const stored = json as { type?: unknown; version?: unknown } | null;
  const older = olderVersions.find(
    (candidate) => candidate.type === stored?.type && candidate.version === stored?.version,
  );
  if (older) {
    const parsed = older.schema.safeParse(json);
    return parsed.success
      ? { success: true, data: (older.upcast as (event: unknown) => DomainEvent)(parsed.data) }
      : { success: false, error: parsed.error };
  }
  return domainEventSchema.safeParse(json);
}
