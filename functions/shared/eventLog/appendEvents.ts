// Appends a command's events to the event log, inside the command's own transaction.
import { randomUUID } from 'node:crypto';
import type { DomainEvent, PendingEvent } from '../../../events/contracts.ts';
import type { Sql } from '../postgres.ts';

/**
 * position = the writing transaction's id * POSITIONS_PER_TRANSACTION + the event's index in it.
 * A transaction may therefore append at most POSITIONS_PER_TRANSACTION - 1 events (docs/decisions.md).
 */
export const POSITIONS_PER_TRANSACTION = 1000;
export const MAX_EVENTS_PER_TRANSACTION = POSITIONS_PER_TRANSACTION - 1;

/** The PostgreSQL channel a local relay listens on; the NOTIFY is delivered at commit. */
export const EVENTS_APPENDED_CHANNEL = 'event_log_appended';

export interface AppendContext {
  correlationId: string;
  occurredAt: Date;
  /** send a NOTIFY on commit so that a listening relay wakes at once */
  notify: boolean;
}

/** Call at most once per transaction: positions restart at index 1 on each call. */
export async function appendEvents(
  sql: Sql,
  events: readonly PendingEvent[],
  context: AppendContext,
): Promise<DomainEvent[]> {
  if (events.length === 0) return [];
  if (events.length > MAX_EVENTS_PER_TRANSACTION) {
    throw new Error(`a transaction may append at most ${MAX_EVENTS_PER_TRANSACTION} events`);
  }
  const eventIds = events.map(() => randomUUID());
  const occurredAt = context.occurredAt.toISOString();
  const { rows } = await sql.query<{ position: string | number; event_id: string }>(
    `WITH appended AS (
       INSERT INTO event_log
         (position, transaction_id, event_id, type, version, aggregate_id, correlation_id, occurred_at, data)
       SELECT tx.id::text::bigint * $8 + e.idx, tx.id, e.event_id, e.type, e.version, e.aggregate_id, $5, $6, e.data
       FROM (SELECT pg_current_xact_id() AS id) AS tx,
            unnest($1::uuid[], $2::text[], $3::smallint[], $4::text[], $7::jsonb[])
              WITH ORDINALITY AS e(event_id, type, version, aggregate_id, data, idx)
       RETURNING position, event_id
     )
     SELECT appended.position, appended.event_id FROM appended
     ${context.notify ? `CROSS JOIN (SELECT pg_notify('${EVENTS_APPENDED_CHANNEL}', '')) AS wake` : ''}`,
    [
      eventIds,
      events.map((event) => event.type),
      events.map((event) => event.version),
      events.map((event) => event.aggregateId),
      context.correlationId,
      occurredAt,
      events.map((event) => JSON.stringify(event.data)),
      POSITIONS_PER_TRANSACTION,
    ],
  );
  // BIGINT arrives as a string unless a type parser says otherwise; positions stay below 2^53
  const positionOf = new Map(rows.map((row) => [row.event_id, Number(row.position)]));
  return events.map(
    (event, index) =>
      ({
        eventId: eventIds[index]!,
        type: event.type,
        version: event.version,
        position: positionOf.get(eventIds[index]!)!,
        occurredAt,
        aggregateId: event.aggregateId,
        correlationId: context.correlationId,
        data: event.data,
      }) as DomainEvent,
  );
}
