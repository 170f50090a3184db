// Whether the read models are current: every number the relay has published in a projector's stream
// (the head it copies to DynamoDB) against that projector's checkpoint, as sync-status reads them.
import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import { projectionCatalog, projectionNames, type ProjectionName } from '../projectors/catalog.ts';
import { CHECKPOINT_KEY, type Checkpoint } from '../projectors/projection.ts';
import { liveTable } from '../projectors/tableRoutes.ts';
import { STREAM_HEAD_KEY, type StreamHead } from '../relay/streamHead.ts';
import { dynamoDb } from '../shared/aws.ts';
import { settings } from '../shared/config.ts';
import { logger } from '../shared/logger.ts';
import { eventStreamTableName } from '../shared/resourceNames.ts';

export type ReadModelProgress =
  | { status: 'current' | 'catching_up'; eventsBehind: number; projectors: Record<ProjectionName, number> }
  | { status: 'unknown' };

const TIMEOUT_MS = 2_000;

export async function readModelProgress(): Promise<ReadModelProgress> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      readProgress(),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
      }),
    ]);
  } catch (error) {
    // DynamoDB's own state is the dependency check's to report
    logger.warn('could not read the read models progress', { error });
    return { status: 'unknown' };
  } finally {
    clearTimeout(timer);
  }
}

async function readProgress(): Promise<ReadModelProgress> {
  const streamTable = eventStreamTableName(settings.RESOURCE_PREFIX);
  const tables = await Promise.all(projectionNames.map((name) => liveTable(name)));
  const { Responses = {} } = await dynamoDb().send(
    new BatchGetCommand({
      RequestItems: {
        [streamTable]: { Keys: [STREAM_HEAD_KEY], ConsistentRead: true },
        ...Object.fromEntries(
          tables.map((table) => [table, { Keys: [CHECKPOINT_KEY], ConsistentRead: true }]),
        ),
      },
    }),
  );
  const head = Responses[streamTable]?.[0] as StreamHead | undefined;
  const projectors = Object.fromEntries(
    projectionNames.map((name, index) => {
      const checkpoint = Responses[tables[index]!]?.[0] as Partial<Checkpoint> | undefined;
      const published = head?.publishedSequences?.[projectionCatalog[name].queue] ?? 0;
      return [name, Math.max(0, published - (checkpoint?.sequence ?? 0))];
    }),
  ) as Record<ProjectionName, number>;
  const eventsBehind = Object.values(projectors).reduce((sum, behind) => sum + behind, 0);
  return { status: eventsBehind > 0 ? 'catching_up' : 'current', eventsBehind, projectors };
}
