// Loads events straight into the event log, as if each had been committed long ago (by transaction 3),
// numbered in their streams and published: what a rebuild reads, and what the relay leaves alone. For
// the rebuild's tests and the benchmark, which need a large log without running its commands. The
// numbers are the ones numberEvents gives from an empty log, so a backlog published with
// `numberEvents` of a prefix of the same events agrees with them.
import type pg from 'pg';
import type { DomainEvent } from '../../events/contracts.ts';
import { numberEvents } from '../../functions/relay/sequencing.ts';

const CHUNK = 5_000;

export async function loadPublishedEvents(
  pool: pg.Pool,
  events: readonly DomainEvent[],
  onProgress?: (loaded: number) => void,
): Promise<void> {
  const { sequences, heads } = numberEvents(events);
  for (let start = 0; start < events.length; start += CHUNK) {
    const slice = events.slice(start, start + CHUNK);
    await pool.query(
      `INSERT INTO event_log (position, event_id, type, version, aggregate_id, correlation_id, occurred_at,
                              data, transaction_id, published_at, sequenced)
       SELECT position, event_id, type, version, aggregate_id, correlation_id, occurred_at, data, '3'::xid8,
              now(), true
       FROM unnest($1::bigint[], $2::uuid[], $3::text[], $4::smallint[], $5::text[], $6::text[],
                   $7::timestamptz[], $8::jsonb[])
         AS e(position, event_id, type, version, aggregate_id, correlation_id, occurred_at, data)`,
      [
        slice.map((event) => event.position),
        slice.map((event) => event.eventId),
        slice.map((event) => event.type),
        slice.map((event) => event.version),
        slice.map((event) => event.aggregateId),
        slice.map((event) => event.correlationId),
        slice.map((event) => event.occurredAt),
        slice.map((event) => JSON.stringify(event.data)),
      ],
    );
    const entries = slice.flatMap((event, index) =>
      Object.entries(sequences[start + index]!).map(([stream, sequence]) => [
        stream,
        sequence,
        event.position,
      ]),
    );
    await pool.query(
      `INSERT INTO stream_sequences (stream, sequence, position)
       SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[])`,
      [entries.map((entry) => entry[0]), entries.map((entry) => entry[1]), entries.map((entry) => entry[2])],
    );
    onProgress?.(start + slice.length);
  }
  await pool.query('UPDATE relay_progress SET assigned_sequences = $1, published_sequences = $1', [
    JSON.stringify(heads),
  ]);
}
