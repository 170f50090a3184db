// Adding partitions to a projection with a long log: the relay numbers the new partitions' streams over
// the log a page at a time across runs (a run is bounded by its Lambda's timeout), while commands go
// on; in the end every stream holds the numbers it would have had from the start, dense and in
// position order, and new events got them in their turn.
import pg from 'pg';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { generateEvents } from '../../events/generatedStream.ts';
import type { DomainEvent } from '../../events/contracts.ts';
import { loadPublishedEvents } from '../../infra/bench/loadEventLog.ts';
import { createTestDatabase, type TestDatabase } from '../../tests/support/testDatabase.ts';
import { appendRecordedEvents } from '../shared/eventLog/appendEvents.ts';
import { relayEvents } from './relayEvents.ts';
import { numberEvents } from './sequencing.ts';

let database: TestDatabase;
let pool: pg.Pool;

beforeAll(async () => {
  database = await createTestDatabase('new_partitions');
  pool = new pg.Pool({ connectionString: database.url, max: 4 });
});

afterAll(async () => {
  vi.unstubAllEnvs();
  await pool?.end();
  await database?.drop();
});

/** Every stream's numbers as (stream, sequence, position), in sequence order. */
async function numbers() {
  const { rows } = await pool.query<{ stream: string; sequence: string; position: string }>(
    'SELECT stream, sequence, position FROM stream_sequences ORDER BY stream, sequence',
  );
  return rows.map((row) => [row.stream, Number(row.sequence), Number(row.position)] as const);
}

it('numbers new partitions over a long log across runs, and new events in their turn', async () => {
  const events = [...generateEvents(31, 4_000)];
  const [history, later] = [events.slice(0, 3_000), events.slice(3_000)];
  // a log numbered with one partition a projection, published long ago
  await loadPublishedEvents(pool, history);

  vi.stubEnv('PROJECTION_PARTITIONS', 'directory=4');
  const publisher = { publish: async () => undefined };
  const limits = { pageSize: 400, budgetMs: 0 };
  let runs = 0;
  for (let start = 0; ; runs++) {
    // commands go on between runs: 100 new events each time
    const slice = later.slice(start, start + 100);
    start += slice.length;
    if (slice.length > 0) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        await appendRecordedEvents(client, slice);
        await client.query('COMMIT');
      } finally {
        client.release();
      }
    }
    await relayEvents(pool, publisher, 500, undefined, limits);
    const { rows } = await pool.query<{ backfill_positions: object; pending: number }>(
      `SELECT backfill_positions,
         (SELECT count(*)::int FROM event_log WHERE NOT sequenced OR published_at IS NULL) AS pending
       FROM relay_progress`,
    );
    if (
      Object.keys(rows[0]!.backfill_positions).length === 0 &&
      rows[0]!.pending === 0 &&
      start >= later.length
    )
      break;
    if (runs > 200) throw new Error('the new partitions were never numbered');
  }
  expect(runs).toBeGreaterThan(3);

  // what the streams must hold: the new partitions, the whole log as 4 partitions number it; the
  // streams that were there (partition 0's among them), the history as one partition numbered it,
  // then the later events as 4 partitions do
  const { rows } = await pool.query<{ event_id: string; position: string }>(
    'SELECT event_id, position FROM event_log ORDER BY position',
  );
  const positionOf = new Map(rows.map((row) => [row.event_id, Number(row.position)]));
  const inLog: DomainEvent[] = events
    .map((event) => ({ ...event, position: positionOf.get(event.eventId)! }))
    .sort((a, b) => a.position - b.position);
  const entries = (numbered: DomainEvent[], sequences: Record<string, number>[]) =>
    numbered.flatMap((event, index) =>
      Object.entries(sequences[index]!).map(
        ([stream, sequence]) => [stream, sequence, event.position] as const,
      ),
    );
  const whole = entries(inLog, numberEvents(inLog).sequences).filter(([stream]) => /\.\d$/.test(stream));
  vi.stubEnv('PROJECTION_PARTITIONS', '');
  const before = numberEvents(inLog.slice(0, history.length));
  vi.stubEnv('PROJECTION_PARTITIONS', 'directory=4');
  const after = numberEvents(
    inLog.slice(history.length),
    before.heads,
    new Set(['directory.1', 'directory.2', 'directory.3']),
  );
  const expected = [
    ...whole,
    ...entries(inLog.slice(0, history.length), before.sequences),
    ...entries(inLog.slice(history.length), after.sequences),
  ].sort(([a, x], [b, y]) => (a < b ? -1 : a > b ? 1 : x - y));
  expect(await numbers()).toEqual(expected);
});
