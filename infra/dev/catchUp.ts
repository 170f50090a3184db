// How far `npm run dev`'s read models are behind the event log, and a wait until they are not: its
// ready line comes once every event of the log is applied (a progress bar meanwhile), so that what it
// serves after saying "ready" is current.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type pg from 'pg';
import {
  projectionCatalog,
  projectionNames,
  type ProjectionName,
} from '../../functions/projectors/catalog.ts';
import { CHECKPOINT_KEY, type Checkpoint } from '../../functions/projectors/projection.ts';
import { routeKey, type TableRoute } from '../../functions/projectors/tableRoutes.ts';
import { eventStreamTableName, readModelTableName } from '../../functions/shared/resourceNames.ts';
import { progressBar } from '../cli/progressBar.ts';

export interface Behind {
  /** events of the log the relay has not published yet */
  unpublished: number;
  /** per projection, numbers of its stream published but not applied */
  projectors: Record<ProjectionName, number>;
  total: number;
}

export async function readBehind(pool: pg.Pool, documents: DynamoDBDocumentClient, prefix: string) {
  const [{ rows: progress }, { rows: waiting }] = await Promise.all([
    pool.query<{ published_sequences: Record<string, number> }>(
      'SELECT published_sequences FROM relay_progress',
    ),
    pool.query<{ count: string }>('SELECT count(*) FROM event_log WHERE published_at IS NULL'),
  ]);
  const published = progress[0]?.published_sequences ?? {};
  const streamTable = eventStreamTableName(prefix);
  const projectors = Object.fromEntries(
    await Promise.all(
      projectionNames.map(async (projection) => {
        const route = (
          await documents.send(
            new GetCommand({ TableName: streamTable, Key: routeKey(projection), ConsistentRead: true }),
          )
        ).Item as TableRoute | undefined;
        const checkpoint = (
          await documents.send(
            new GetCommand({
              TableName: route?.table ?? readModelTableName(prefix, projection),
              Key: CHECKPOINT_KEY,
              ConsistentRead: true,
            }),
          )
        ).Item as Checkpoint | undefined;
        const head = published[projectionCatalog[projection].queue] ?? 0;
        return [projection, Math.max(0, head - (checkpoint?.sequence ?? 0))] as const;
      }),
    ),
  ) as Record<ProjectionName, number>;
  const unpublished = Number(waiting[0]!.count);
  const total = unpublished + Object.values(projectors).reduce((sum, behind) => sum + behind, 0);
  return { unpublished, projectors, total } satisfies Behind;
}

/**
 * Resolves once nothing is behind, showing the events still to apply (a bar on a terminal, a line
 * every 5 s otherwise). Returns how many there were at first.
 */
export async function waitUntilCurrent(options: {
  pool: pg.Pool;
  dynamoDbEndpoint: string;
  region: string;
  prefix: string;
  log: (message: string) => void;
  pollMs?: number;
}): Promise<{ events: number; seconds: number }> {
  const { pool, prefix, log, pollMs = 250 } = options;
  const client = new DynamoDBClient({
    endpoint: options.dynamoDbEndpoint,
    region: options.region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const documents = DynamoDBDocumentClient.from(client);
  const started = Date.now();
  try {
    let behind = await readBehind(pool, documents, prefix);
    const first = behind.total;
    if (first === 0) return { events: 0, seconds: 0 };
    const shown = Object.entries(behind.projectors)
      .filter(([, count]) => count > 0)
      .map(([projection, count]) => `${projection} ${count}`);
    log(
      `read models: catching up with the event log (${[
        ...(behind.unpublished > 0 ? [`${behind.unpublished} to publish`] : []),
        ...shown,
      ].join(', ')}); ready when done`,
    );
    let total = first;
    const bar = progressBar('[dev] catching up', total);
    try {
      while (behind.total > 0) {
        await new Promise((resolve) => setTimeout(resolve, pollMs));
        behind = await readBehind(pool, documents, prefix);
        // new events while it catches up raise what there is to do
        total = Math.max(total, behind.total);
        bar.setTotal(total);
        bar.update(total - behind.total);
      }
    } finally {
      bar.stop();
    }
    return { events: first, seconds: (Date.now() - started) / 1000 };
  } finally {
    client.destroy();
  }
}
