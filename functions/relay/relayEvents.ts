// The relay: publishes ready events from the event log, in position order, then marks them published.
//
// A row is ready when its transaction id is below the current snapshot's xmin: every transaction
// older than that has finished, so no event can still commit with a lower position (positions are
// transaction id * 1000 + index; docs/decisions.md). Events are marked only after the broker
// confirms them; a crash in between publishes them again, and consumers skip them by position.
import type pg from 'pg';
import type { DomainEvent } from '../../events/contracts.ts';
import { projectorNames, projectorSubscriptions } from '../../infra/rabbitmq/topology.ts';
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
    await markPublished(client, rows);
    published += rows.length;
  }
}

/**
 * Marks the batch published and counts it into relay_progress, in one transaction: a row already
 * marked (re-sent after a crash) is counted once.
 */
async function markPublished(client: pg.PoolClient, rows: readonly EventRow[]): Promise<void> {
  await client.query('BEGIN');
  try {
    const marked = await client.query<{ type: string; position: string; occurred_at: Date }>(
      `UPDATE event_log SET published_at = now()
       WHERE position = ANY($1::bigint[]) AND published_at IS NULL
       RETURNING type, position, occurred_at`,
      [rows.map((row) => row.position)],
    );
    const { rows: progress } = await client.query<{ projector_events: Record<string, number> }>(
      'SELECT projector_events FROM relay_progress FOR UPDATE',
    );
    const counts = { ...progress[0]!.projector_events };
    for (const row of marked.rows) {
      for (const projector of subscribersOf(row.type)) counts[projector] = (counts[projector] ?? 0) + 1;
    }
    const head = marked.rows.reduce<(typeof marked.rows)[number] | undefined>(
      (latest, row) => (latest && Number(latest.position) > Number(row.position) ? latest : row),
      undefined,
    );
    await client.query(
      `UPDATE relay_progress SET projector_events = $1,
         head_occurred_at = CASE WHEN $2::bigint > head_position THEN $3 ELSE head_occurred_at END,
         head_position = greatest(head_position, $2::bigint)`,
      [JSON.stringify(counts), head?.position ?? 0, head?.occurred_at ?? null],
    );
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

const subscribersOf = (type: string) =>
  projectorNames.filter((projector) =>
    (projectorSubscriptions[projector] as readonly string[]).includes(type),
  );

export interface RelayProgress {
  headPosition: number;
  headOccurredAt: string | null;
  /** per projector: published events it subscribes to */
  projectorEvents: Record<string, number>;
}

export async function readRelayProgress(client: pg.Pool | pg.PoolClient): Promise<RelayProgress> {
  const { rows } = await client.query<{
    head_position: string;
    head_occurred_at: Date | null;
    projector_events: Record<string, number>;
  }>('SELECT head_position, head_occurred_at, projector_events FROM relay_progress');
  const row = rows[0]!;
  return {
    headPosition: Number(row.head_position),
    headOccurredAt: row.head_occurred_at?.toISOString() ?? null,
    projectorEvents: row.projector_events,
  };
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
