// GET /api/analytics/sync-status: how far each projector has got in its stream against the stream's
// head, from DynamoDB only (the relay copies the heads there; each projector keeps a checkpoint), and
// whether it waits on a gap: the number it waits for, since when, and how many events it holds.
import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import { projectionCatalog, projectionNames, type ProjectionName } from '../../projectors/catalog.ts';
import { CHECKPOINT_KEY, type Checkpoint } from '../../projectors/projection.ts';
import { liveTable } from '../../projectors/tableRoutes.ts';
import { STREAM_HEAD_KEY, type StreamHead } from '../../relay/streamHead.ts';
import { dynamoDb } from '../../shared/aws.ts';
import { settings } from '../../shared/config.ts';
import { queryRoute } from '../../shared/queries/queryRoute.ts';
import { eventStreamTableName } from '../../shared/resourceNames.ts';
import { getSyncStatusRoute } from '../api.ts';

async function readProgress() {
  const streamTable = eventStreamTableName(settings.RESOURCE_PREFIX);
  const tables = await Promise.all(projectionNames.map((name) => liveTable(name)));
  const { Responses = {} } = await dynamoDb().send(
    new BatchGetCommand({
      RequestItems: {
        [streamTable]: { Keys: [STREAM_HEAD_KEY] },
        ...Object.fromEntries(tables.map((table) => [table, { Keys: [CHECKPOINT_KEY] }])),
      },
    }),
  );
  const head = Responses[streamTable]?.[0] as StreamHead | undefined;
  const checkpoints = Object.fromEntries(
    projectionNames.map((name, index) => [
      name,
      Responses[tables[index]!]?.[0] as Partial<Checkpoint> | undefined,
    ]),
  ) as Record<ProjectionName, Partial<Checkpoint> | undefined>;
  return { head, checkpoints };
}

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

export const handler = queryRoute(getSyncStatusRoute, async () => {
  const { head, checkpoints } = await readProgress();
  const now = new Date();
  const projectors = Object.fromEntries(
    projectionNames.map((name) => {
      const checkpoint = checkpoints[name];
      const sequence = checkpoint?.sequence ?? 0;
      const headSequence = head?.publishedSequences?.[projectionCatalog[name].queue] ?? 0;
      const eventsBehind = Math.max(0, headSequence - sequence);
      const heldEvents = checkpoint?.heldCount ?? 0;
      return [
        name,
        {
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
      ];
    }),
  );
  // the seed's two fields describe the analytics consumer
  const analytics = projectors.analytics!;
  return {
    statusCode: 200,
    body: {
      lastProcessedEventTimestamp: analytics.lastProcessedEventTimestamp,
      lagSeconds: analytics.lagSeconds,
      headPosition: head?.headPosition ?? 0,
      projectors,
    },
  };
});
