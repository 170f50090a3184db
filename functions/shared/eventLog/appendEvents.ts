// Appends events to the event log: a command's, inside the command's own transaction, and recorded
// ones (a replayed fixture), each batch in a transaction of its own. Both give positions by one rule.
import { randomUUID } from 'node:crypto';
import type { DomainEvent, PendingEvent } from '../../../events/contracts.ts';
import type { Sql } from '../postgres.ts';

/**
 * position = the writing transaction's id * POSITIONS_PER_TRANSACTION + the event's index in it.
 * A transaction may therefore append at most POSITIONS_PER_TRANSACTION - 1 events (decision 0001).
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

/** The position of the event at 1-based `idx` in the current transaction (`tx.id`). */
const POSITION = `tx.id::text::bigint * ${POSITIONS_PER_TRANSACTION} + e.idx`;
const CURRENT_TRANSACTION = '(SELECT pg_current_xact_id() AS id) AS tx';

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
       SELECT ${POSITION}, tx.id, e.event_id, e.type, e.version, e.aggregate_id, $5, $6, e.data
       FROM ${CURRENT_TRANSACTION},
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

/**
 * Appends recorded events (a fixture's) as they are, ids, times and correlation included, at new
 * positions in their order; an event whose id is already in the log is left out, so appending the
 * same events twice appends them once. Returns how many were appended.
 */
export async function appendRecordedEvents(sql: Sql, events: readonly DomainEvent[]): Promise<number> {
  if (events.length > MAX_EVENTS_PER_TRANSACTION) {
    throw new Error(`a transaction may append at most ${MAX_EVENTS_PER_TRANSACTION} events`);
  }
  const { rowCount } = await sql.query(
    `INSERT INTO event_log
       (position, transaction_id, event_id, type, version, aggregate_id, correlation_id, occurred_at, data)
     SELECT ${POSITION}, tx.id, e.event_id, e.type, e.version, e.aggregate_id, e.correlation_id, e.occurred_at, e.data
     FROM ${CURRENT_TRANSACTION},
          unnest($1::uuid[], $2::text[], $3::smallint[], $4::text[], $5::text[], $6::timestamptz[], $7::jsonb[])
            WITH ORDINALITY AS e(event_id, type, version, aggregate_id, correlation_id, occurred_at, data, idx)
     ON CONFLICT (event_id) DO NOTHING`,
    [
      events.map((event) => event.eventId),
      events.map((event) => event.type),
      events.map((event) => event.version),
      events.map((event) => event.aggregateId),
      events.map((event) => event.correlationId),
      events.map((event) => event.occurredAt),
      events.map((event) => JSON.stringify(event.data)),
    ],
  );
  return rowCount ?? 0;
}
