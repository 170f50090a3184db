// Reading the event log: rows as envelopes with their numbers in every stream, a stream's events by
// number (what healing re-publishes and a rebuild applies), and the relay's progress.
import type pg from 'pg';
import type { DomainEvent } from '../../events/contracts.ts';
import type { Publication } from './eventPublisher.ts';
import type { StreamHeads, StreamSequences } from './sequencing.ts';

export interface EventRow {
  /** BIGINT: a string unless a type parser says otherwise */
  position: string | number;
  event_id: string;
  type: string;
  version: number;
  aggregate_id: string;
  correlation_id: string;
  occurred_at: Date;
  data: unknown;
}

export type NumberedEventRow = EventRow & { sequences: StreamSequences };

/** The event columns of `event_log e`, then the row's numbers in every stream that receives it. */
export const EVENT_COLUMNS = `e.position, e.event_id, e.type, e.version, e.aggregate_id, e.correlation_id,
  e.occurred_at, e.data,
  (SELECT coalesce(jsonb_object_agg(s.stream, s.sequence), '{}') FROM stream_sequences s
   WHERE s.position = e.position) AS sequences`;

export const toEnvelope = (row: EventRow): DomainEvent =>
  ({
    eventId: row.event_id,
    type: row.type,
    version: row.version,
    position: Number(row.position),
    occurredAt: row.occurred_at.toISOString(),
    aggregateId: row.aggregate_id,
    correlationId: row.correlation_id,
    data: row.data,
  }) as DomainEvent;

export const toPublication = (row: NumberedEventRow): Publication => ({
  event: toEnvelope(row),
  sequences: row.sequences,
});

/** A stream's events numbered from `from` to `to`, in order, at most `limit`. */
export async function readStream(
  sql: pg.Pool | pg.PoolClient,
  stream: string,
  range: { from: number; to?: number; limit?: number },
): Promise<NumberedEventRow[]> {
  const { rows } = await sql.query<NumberedEventRow>(
    `SELECT ${EVENT_COLUMNS}
     FROM stream_sequences q JOIN event_log e ON e.position = q.position
     WHERE q.stream = $1 AND q.sequence >= $2 AND q.sequence <= $3
     ORDER BY q.sequence
     LIMIT $4`,
    [stream, range.from, range.to ?? Number.MAX_SAFE_INTEGER, range.limit ?? null],
  );
  return rows;
}

/** When the event numbered `sequence` in `stream` happened, if the stream has that number. */
export async function occurredAtOf(
  sql: pg.Pool | pg.PoolClient,
  stream: string,
  sequence: number,
): Promise<Date | undefined> {
  const { rows } = await sql.query<{ occurred_at: Date }>(
    `SELECT e.occurred_at FROM stream_sequences q JOIN event_log e ON e.position = q.position
     WHERE q.stream = $1 AND q.sequence = $2`,
    [stream, sequence],
  );
  return rows[0]?.occurred_at;
}

export interface RelayProgress {
  headPosition: number;
  headOccurredAt: string | null;
  /** per stream: the last number published */
  publishedSequences: StreamHeads;
}

export async function readRelayProgress(sql: pg.Pool | pg.PoolClient): Promise<RelayProgress> {
  const { rows } = await sql.query<{
    head_position: string;
    head_occurred_at: Date | null;
    published_sequences: StreamHeads;
  }>('SELECT head_position, head_occurred_at, published_sequences FROM relay_progress');
  const row = rows[0]!;
  return {
    headPosition: Number(row.head_position),
    headOccurredAt: row.head_occurred_at?.toISOString() ?? null,
    publishedSequences: row.published_sequences,
  };
}
