// The relay: publishes ready events from the event log, in position order, then marks them published.
//
// A row is ready when its transaction id is below the current snapshot's xmin: every transaction
// older than that has finished, so no event can still commit with a lower position (positions are
// transaction id * 1000 + index; docs/decisions.md). Events are marked only after the broker
// confirms them; a crash in between publishes them again, and consumers skip them by position.
import type pg from 'pg';
import type { DomainEvent } from '../../events/contracts.ts';
import type { EventPublisher } from './eventPublisher.ts';

/** The advisory lock that keeps one relay at a time per database. */
export const RELAY_LOCK_KEY = 7_262_021;

export interface RelayResult {
  published: number;
  /** another relay held the lock; it re-checks after releasing it, so nothing is left behind */
  skipped: boolean;
}

interface EventRow {
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

const READY_EVENTS = `
  SELECT position, event_id, type, version, aggregate_id, correlation_id, occurred_at, data
  FROM event_log
  WHERE published_at IS NULL AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
  ORDER BY position
  LIMIT $1`;

const ANY_READY = `
  SELECT EXISTS (
    SELECT 1 FROM event_log
    WHERE published_at IS NULL AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
  ) AS ready`;

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

async function drain(client: pg.PoolClient, publisher: EventPublisher, batchSize: number): Promise<number> {
  let published = 0;
  for (;;) {
    const { rows } = await client.query<EventRow>(READY_EVENTS, [batchSize]);
    if (rows.length === 0) return published;
    await publisher.publish(rows.map(toEnvelope));
    await client.query('UPDATE event_log SET published_at = now() WHERE position = ANY($1::bigint[])', [
      rows.map((row) => row.position),
    ]);
    published += rows.length;
  }
}

export async function relayEvents(
  pool: pg.Pool,
  publisher: EventPublisher,
  batchSize = 500,
): Promise<RelayResult> {
  let published = 0;
  const client = await pool.connect();
  try {
    for (;;) {
      const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [
        RELAY_LOCK_KEY,
      ]);
      if (!rows[0]!.locked) return { published, skipped: true };
      try {
        published += await drain(client, publisher, batchSize);
      } finally {
        await client.query('SELECT pg_advisory_unlock($1)', [RELAY_LOCK_KEY]);
      }
      // A relay woken while we held the lock gave up; look once more so its events are not left behind.
      const recheck = await client.query<{ ready: boolean }>(ANY_READY);
      if (!recheck.rows[0]!.ready) return { published, skipped: false };
    }
  } finally {
    client.release();
  }
}
