// GET /api/analytics/sync-status: how far each projector's stream (each partition of a split
// projection) has got against the stream's head, from DynamoDB only (the relay copies the heads
// there; each stream keeps a checkpoint), and whether it waits on a gap: the number it waits for,
// since when, and how many events it holds.
import type { Checkpoint } from '../../projectors/projection.ts';
import { allStreams } from '../../projectors/streams.ts';
import type { StreamHead } from '../../relay/streamHead.ts';
import { queryHandler } from '../../shared/queries/queryHandler.ts';
import { readProgress } from '../../shared/queries/projectionProgress.ts';
import { getSyncStatusRoute } from '../api.ts';

/** Seconds between the newest published event and the newest applied one; 0 when nothing is behind. */
export function lagSeconds(
  head: StreamHead | undefined,
  checkpoint: Partial<Checkpoint> | undefined,
  behind: number,
  now: Date,
) {
  if (behind === 0 || !head?.headOccurredAt) return 0;
  const appliedUpTo = checkpoint?.occurredAt ? Date.parse(checkpoint.occurredAt) : now.getTime();
  return Math.max(0, (Date.parse(head.headOccurredAt) - appliedUpTo) / 1000);
}

export const handler = queryHandler(getSyncStatusRoute, async () => {
  const { head, streams } = await readProgress(allStreams());
  const now = new Date();
  const progress = streams.map(({ stream, checkpoint }) => {
    const sequence = checkpoint?.sequence ?? 0;
    const headSequence = head?.publishedSequences?.[stream.name] ?? 0;
    const eventsBehind = Math.max(0, headSequence - sequence);
    const heldEvents = checkpoint?.heldCount ?? 0;
    return {
      stream,
      body: {
        position: checkpoint?.position ?? 0,
        lastProcessedEventTimestamp: checkpoint?.occurredAt || null,
        headPosition: head?.headPosition ?? 0,
        sequence,
        headSequence,
        eventsBehind,
        // the next number it needs, and since when it has held events waiting for it
        waitingFor: eventsBehind > 0 || heldEvents > 0 ? sequence + 1 : null,
        waitingSince: heldEvents > 0 ? (checkpoint?.waitingSince ?? null) : null,
        heldEvents,
        parkedCount: checkpoint?.parkedCount ?? 0,
        lagSeconds: lagSeconds(head, checkpoint, eventsBehind, now),
      },
    };
  });
  // the seed's two fields describe the analytics consumer: its slowest partition
  const analytics = progress
    .filter(({ stream }) => stream.projection === 'analytics')
    .map(({ body }) => body)
    .reduce((slowest, next) => (next.lagSeconds > slowest.lagSeconds ? next : slowest));
  return {
    statusCode: 200,
    body: {
      lastProcessedEventTimestamp: analytics.lastProcessedEventTimestamp,
      lagSeconds: analytics.lagSeconds,
      headPosition: head?.headPosition ?? 0,
      projectors: Object.fromEntries(progress.map(({ stream, body }) => [stream.name, body])),
    },
  };
});
