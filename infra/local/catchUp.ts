// How far `npm run dev`'s read models are behind the event log, and a wait until they are not: its
// ready line comes once every event of the log is applied (a progress bar meanwhile), so that what it
// serves after saying "ready" is current.
//
// The relay's own progress in PostgreSQL is the measure, not the stream head it copies to DynamoDB
// (which /health and sync-status read): that copy is written after a publication, so right after a
// start it can be missing or behind, and "current" against it could come too early.
import type pg from 'pg';
import { allStreams } from '../../functions/projectors/streams.ts';
import { readRelayProgress } from '../../functions/relay/eventLog.ts';
import { readProgress } from '../../functions/shared/queries/projectionProgress.ts';
import { progressBar } from '../terminal/progressBar.ts';

export interface Behind {
  /** events of the log the relay has not published yet */
  unpublished: number;
  /**
   * events of the log a partition added since is still to be numbered over (the relay numbers the
   * log for it a page per run: relay_progress.backfill_positions), the longest way to go of them
   */
  unnumbered: number;
  /** per stream (a projection's partition), numbers published but not applied */
  streams: Record<string, number>;
  total: number;
}

/** The log's unpublished events and, per stream, what is published and not applied. */
export async function readBehind(pool: pg.Pool): Promise<Behind> {
  const [relay, progress, { rows }] = await Promise.all([
    readRelayProgress(pool),
    readProgress(allStreams()),
    pool.query<{ unpublished: string; unnumbered: string }>(
      `SELECT (SELECT count(*) FROM event_log WHERE published_at IS NULL) AS unpublished,
         (SELECT count(*) FROM event_log, relay_progress p
          WHERE p.backfill_positions <> '{}' AND position >
            (SELECT min(value::bigint) FROM jsonb_each_text(p.backfill_positions))) AS unnumbered`,
    ),
  ]);
  const streams = Object.fromEntries(
    progress.streams.map(({ stream, checkpoint }) => [
      stream.name,
      Math.max(0, (relay.publishedSequences[stream.name] ?? 0) - (checkpoint?.sequence ?? 0)),
    ]),
  );
  const unpublished = Number(rows[0]!.unpublished);
  const unnumbered = Number(rows[0]!.unnumbered);
  return {
    unpublished,
    unnumbered,
    streams,
    total: unpublished + unnumbered + Object.values(streams).reduce((sum, behind) => sum + behind, 0),
  };
}

/**
 * Resolves once nothing is behind, showing the events still to apply (a bar on a terminal, a line
 * every 5 s otherwise). Returns how many there were at first.
 */
export async function waitUntilCurrent(options: {
  pool: pg.Pool;
  log: (message: string) => void;
  pollMs?: number;
}): Promise<{ events: number; seconds: number }> {
  const { pool, log, pollMs = 250 } = options;
  const started = Date.now();
  let behind = await readBehind(pool);
  const first = behind.total;
  if (first === 0) return { events: 0, seconds: 0 };
  const shown = Object.entries(behind.streams)
    .filter(([, count]) => count > 0)
    .map(([stream, count]) => `${stream} ${count}`);
  log(
    `read models: catching up with the event log (${[
      ...(behind.unpublished > 0 ? [`${behind.unpublished} to publish`] : []),
      ...(behind.unnumbered > 0 ? [`${behind.unnumbered} to number for new partitions`] : []),
      ...shown,
    ].join(', ')}); ready when done`,
  );
  let total = first;
  const bar = progressBar('[dev] catching up', total);
  try {
    while (behind.total > 0) {
      await new Promise((resolve) => setTimeout(resolve, pollMs));
      behind = await readBehind(pool);
      // new events while it catches up raise what there is to do
      total = Math.max(total, behind.total);
      bar.setTotal(total);
      bar.update(total - behind.total);
    }
  } finally {
    bar.stop();
  }
  return { events: first, seconds: (Date.now() - started) / 1000 };
}
