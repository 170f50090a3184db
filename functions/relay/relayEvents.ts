// The relay: numbers ready events in their streams, publishes them in position order, then marks
// them published.
//
// A row is ready when its transaction id is below the current snapshot's xmin: every transaction
// older than that has finished, so no event can still commit with a lower position (positions are
// transaction id * 1000 + index; decision 0001). Ready rows are numbered first, in position order,
// in each stream that receives them (sequencing.ts), in their own transaction; then published with
// their numbers, and marked only after the broker confirms them. A crash in between publishes them
// again with the same numbers, and projectors skip them as duplicates.
import type pg from 'pg';
import { projectionCatalog, projectionNames, type ProjectionName } from '../projectors/catalog.ts';
import { allStreams, partitionCount, streamsOf } from '../projectors/streams.ts';
import type { EventPublisher } from './eventPublisher.ts';
import {
  EVENT_COLUMNS,
  toEnvelope,
  toPublication,
  type EventRow,
  type NumberedEventRow,
} from './eventLog.ts';
import { numberEvents, projectionStreamsReceiving, type StreamHeads } from './sequencing.ts';

/** All the relay needs of a publisher: replay hands it one that invokes the projectors directly. */
type Publisher = Pick<EventPublisher, 'publish'>;

/** The advisory lock that keeps one relay at a time per database. */
export const RELAY_LOCK_KEY = 7_262_021;

export interface RelayResult {
  published: number;
  /** another relay held the lock; it re-checks after releasing it, so nothing is left behind */
  skipped: boolean;
}

const IS_READY = 'transaction_id < pg_snapshot_xmin(pg_current_snapshot())';

const UNSEQUENCED = `
  SELECT ${EVENT_COLUMNS} FROM event_log e
  WHERE NOT e.sequenced AND ${IS_READY}
  ORDER BY e.position
  LIMIT $1`;

const TO_PUBLISH = `
  SELECT ${EVENT_COLUMNS}
  FROM event_log e
  WHERE e.published_at IS NULL AND e.sequenced
  ORDER BY e.position
  LIMIT $1`;

const ANY_READY = `
  SELECT EXISTS (
    SELECT 1 FROM event_log WHERE (published_at IS NULL OR NOT sequenced) AND ${IS_READY}
  ) AS ready`;

/** Runs `work` in a transaction on `client`. */
async function transaction<T>(client: pg.PoolClient, work: () => Promise<T>): Promise<T> {
  await client.query('BEGIN');
  try {
    const result = await work();
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  }
}

/** How a run numbers new streams over the log: rows a page, and how long before it goes on to publish. */
export interface NewStreamLimits {
  pageSize: number;
  budgetMs: number;
}

/** 5,000 rows a page; 20 s of a run (the relay's Lambda has 60). */
export const NEW_STREAM_LIMITS: NewStreamLimits = { pageSize: 5_000, budgetMs: 20_000 };

interface Progress {
  assigned: StreamHeads;
  published: StreamHeads;
  /** streams being numbered over the log, and the position their numbering has reached */
  backfill: Record<string, number>;
}

async function lockProgress(client: pg.PoolClient): Promise<Progress> {
  const { rows } = await client.query<{
    assigned_sequences: StreamHeads;
    published_sequences: StreamHeads;
    backfill_positions: Record<string, number>;
  }>('SELECT assigned_sequences, published_sequences, backfill_positions FROM relay_progress FOR UPDATE');
  return {
    assigned: rows[0]!.assigned_sequences,
    published: rows[0]!.published_sequences,
    backfill: rows[0]!.backfill_positions,
  };
}

async function saveProgress(client: pg.PoolClient, progress: Progress): Promise<void> {
  await client.query(
    'UPDATE relay_progress SET assigned_sequences = $1, published_sequences = $2, backfill_positions = $3',
    [
      JSON.stringify(progress.assigned),
      JSON.stringify(progress.published),
      JSON.stringify(progress.backfill),
    ],
  );
}

/**
 * A stream the catalog gained after events were logged (a new projection, a queue renamed because its
 * subscriptions changed, or a partition added) is numbered over the log first, so that its numbers
 * follow position order like any other's. Its projector gets that history from a rebuild, or by
 * healing. A projection of one partition is numbered in one statement, by type. The partitions of a
 * split one are numbered by the items each event touches, a page of the log per transaction, for at
 * most `budgetMs` a run: a long log takes several runs, and meanwhile those streams get no
 * numbers for new events (numberReadyEvents leaves them out), which the pages reach in their turn.
 */
async function numberNewStreams(client: pg.PoolClient, limits: NewStreamLimits): Promise<void> {
  const deadline = Date.now() + limits.budgetMs;
  for (;;) {
    const more = await transaction(client, async () => {
      const progress = await lockProgress(client);
      // a stream the catalog no longer has (fewer partitions) is numbered no further
      const known = new Set(allStreams().map(({ name }) => name));
      let changed = Object.keys(progress.backfill).some((name) => !known.has(name));
      for (const name of Object.keys(progress.backfill)) if (!known.has(name)) delete progress.backfill[name];
      let unfinished = false;
      for (const projection of projectionNames) {
        const fresh = streamsOf(projection).filter(
          ({ name }) => progress.assigned[name] === undefined || progress.backfill[name] !== undefined,
        );
        if (fresh.length === 0) continue;
        changed = true;
        const [first] = fresh;
        if (partitionCount(projection) === 1 && progress.backfill[first!.name] === undefined) {
          await numberByType(client, projection, first!.name, progress);
          continue;
        }
        const names = fresh.map(({ name }) => name);
        if (await numberPage(client, projection, names, progress, limits.pageSize)) unfinished = true;
      }
      if (changed) await saveProgress(client, progress);
      return unfinished;
    });
    if (!more || Date.now() > deadline) return;
  }
}

/** A new stream of a one-partition projection, numbered over the whole log in one statement. */
async function numberByType(
  client: pg.PoolClient,
  projection: ProjectionName,
  stream: string,
  progress: Progress,
) {
  const { rows } = await client.query<{ numbered: number; published: number | string | null }>(
    `WITH numbered AS (
       INSERT INTO stream_sequences (stream, sequence, position)
       SELECT $1, row_number() OVER (ORDER BY position), position
       FROM event_log WHERE sequenced AND type = ANY($2::text[])
       RETURNING sequence, position
     )
     SELECT count(*)::int AS numbered,
            max(n.sequence) FILTER (WHERE e.published_at IS NOT NULL) AS published
     FROM numbered n JOIN event_log e ON e.position = n.position`,
    [stream, projectionCatalog[projection].eventTypes],
  );
  progress.assigned[stream] = rows[0]!.numbered;
  progress.published[stream] = Math.max(progress.published[stream] ?? 0, Number(rows[0]!.published ?? 0));
}

/**
 * The next page of the numbered log for the new partitions `names` of a split projection; true if
 * there is more to number after it.
 */
async function numberPage(
  client: pg.PoolClient,
  projection: ProjectionName,
  names: string[],
  progress: Progress,
  pageSize: number,
) {
  const after = Math.min(...names.map((name) => progress.backfill[name] ?? -1));
  for (const name of names) {
    progress.assigned[name] ??= 0;
    progress.published[name] ??= 0;
    progress.backfill[name] ??= -1;
  }
  const { rows } = await client.query<EventRow & { published: boolean }>(
    `SELECT ${EVENT_COLUMNS}, e.published_at IS NOT NULL AS published FROM event_log e
     WHERE e.sequenced AND e.type = ANY($1::text[]) AND e.position > $2
     ORDER BY e.position LIMIT $3`,
    [projectionCatalog[projection].eventTypes, after, pageSize],
  );
  const wanted = new Set(names);
  const entries: [string, number, string | number][] = [];
  for (const row of rows) {
    for (const stream of projectionStreamsReceiving(projection, toEnvelope(row))) {
      if (!wanted.has(stream)) continue;
      const sequence = ++progress.assigned[stream]!;
      if (row.published) progress.published[stream] = sequence;
      entries.push([stream, sequence, row.position]);
    }
  }
  await insertSequences(client, entries);
  const finished = rows.length < pageSize;
  for (const name of names) {
    // the end of the numbered log, under the lock that numbering new events takes: complete
    if (finished) delete progress.backfill[name];
    else progress.backfill[name] = Number(rows.at(-1)!.position);
  }
  return !finished;
}

async function insertSequences(
  client: pg.PoolClient,
  entries: readonly (readonly [string, number, string | number])[],
) {
  if (entries.length === 0) return;
  await client.query(
    `INSERT INTO stream_sequences (stream, sequence, position)
     SELECT * FROM unnest($1::text[], $2::bigint[], $3::bigint[])`,
    [entries.map((entry) => entry[0]), entries.map((entry) => entry[1]), entries.map((entry) => entry[2])],
  );
}

/** Numbers the next ready events that have no numbers yet; how many it numbered. */
async function numberReadyEvents(client: pg.PoolClient, batchSize: number): Promise<number> {
  return transaction(client, async () => {
    const progress = await lockProgress(client);
    const { rows } = await client.query<EventRow>(UNSEQUENCED, [batchSize]);
    if (rows.length === 0) return 0;
    // a stream still being numbered over the log gets these when its pages reach them
    const numbering = new Set(Object.keys(progress.backfill));
    const { sequences, heads: assigned } = numberEvents(rows.map(toEnvelope), progress.assigned, numbering);
    await insertSequences(
      client,
      rows.flatMap((row, index) =>
        Object.entries(sequences[index]!).map(
          ([stream, sequence]) => [stream, sequence, row.position] as const,
        ),
      ),
    );
    await client.query('UPDATE event_log SET sequenced = true WHERE position = ANY($1::bigint[])', [
      rows.map((row) => row.position),
    ]);
    await client.query('UPDATE relay_progress SET assigned_sequences = $1', [JSON.stringify(assigned)]);
    return rows.length;
  });
}

/** Told of each batch the broker confirmed: its size, and the milliseconds from publish to confirms. */
export type OnPublished = (batch: { size: number; publishMs: number }) => void;

async function drain(
  client: pg.PoolClient,
  publisher: Publisher,
  batchSize: number,
  onPublished?: OnPublished,
): Promise<number> {
  let published = 0;
  for (;;) {
    const numbered = await numberReadyEvents(client, batchSize);
    const { rows } = await client.query<NumberedEventRow>(TO_PUBLISH, [batchSize]);
    if (rows.length === 0 && numbered === 0) return published;
    if (rows.length === 0) continue;
    const started = performance.now();
    await publisher.publish(rows.map(toPublication));
    onPublished?.({ size: rows.length, publishMs: performance.now() - started });
    await markPublished(client, rows);
    published += rows.length;
  }
}

/**
 * Marks the batch published and moves each stream's published head, in one transaction: a row
 * already marked (re-sent after a crash) changes nothing.
 */
async function markPublished(client: pg.PoolClient, rows: readonly NumberedEventRow[]): Promise<void> {
  await transaction(client, async () => {
    const marked = await client.query<{ position: number | string; occurred_at: Date }>(
      `UPDATE event_log SET published_at = now()
       WHERE position = ANY($1::bigint[]) AND published_at IS NULL
       RETURNING position, occurred_at`,
      [rows.map((row) => row.position)],
    );
    const { rows: progress } = await client.query<{ published_sequences: StreamHeads }>(
      'SELECT published_sequences FROM relay_progress FOR UPDATE',
    );
    const heads = { ...progress[0]!.published_sequences };
    const sequencesAt = new Map(rows.map((row) => [Number(row.position), row.sequences]));
    for (const row of marked.rows) {
      for (const [stream, sequence] of Object.entries(sequencesAt.get(Number(row.position)) ?? {})) {
        heads[stream] = Math.max(heads[stream] ?? 0, sequence);
      }
    }
    const head = marked.rows.reduce<(typeof marked.rows)[number] | undefined>(
      (latest, row) => (latest && Number(latest.position) > Number(row.position) ? latest : row),
      undefined,
    );
    await client.query(
      `UPDATE relay_progress SET published_sequences = $1,
         head_occurred_at = CASE WHEN $2::bigint > head_position THEN $3 ELSE head_occurred_at END,
         head_position = greatest(head_position, $2::bigint)`,
      [JSON.stringify(heads), head?.position ?? 0, head?.occurred_at ?? null],
    );
  });
}

export async function relayEvents(
  pool: pg.Pool,
  publisher: Publisher,
  batchSize = 500,
  onPublished?: OnPublished,
  newStreams: NewStreamLimits = NEW_STREAM_LIMITS,
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
        // once a run, within its budget: a long log's new streams take several runs
        await numberNewStreams(client, newStreams);
        published += await drain(client, publisher, batchSize, onPublished);
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
