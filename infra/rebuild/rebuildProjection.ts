// Rebuilds a projection from the PostgreSQL event log into a new table while the live one keeps
// serving, then switches reads and the projector over (blue/green). The new table's own checkpoint
// makes an interrupted rebuild resume where it stopped.
//
// The switch: mark the route `switching` (the projector fails its batches, which come again later),
// wait until the live table's checkpoint stands still, apply what the new table still lacks, then
// route to the new table. Every event is then in the new table exactly once, and the queue's
// redelivered messages at or below its checkpoint are skipped.
import { CreateTableCommand, ResourceInUseException, waitUntilTableExists } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type pg from 'pg';
import { analyticsProjection } from '../../functions/analytics/analyticsProjection.ts';
import { directoryProjection } from '../../functions/directory/directoryProjection.ts';
import { invoiceProjection } from '../../functions/invoices/invoiceProjection.ts';
import { applyBatch } from '../../functions/projectors/applyBatch.ts';
import { parkEvents } from '../../functions/projectors/deadLetters.ts';
import { CHECKPOINT_KEY, type Checkpoint, type Projection } from '../../functions/projectors/projection.ts';
import { readRoute, routeKey, type TableRoute } from '../../functions/projectors/tableRoutes.ts';
import { toEnvelope } from '../../functions/relay/relayEvents.ts';
import { dynamoDb } from '../../functions/shared/aws.ts';
import { parseStoredEvent } from '../../events/storedEvents.ts';
import type { DomainEvent } from '../../events/contracts.ts';
import { tableDefinitions } from '../aws/readModelResources.ts';
import { eventStreamTableName, readModelTableName } from '../aws/resourceNames.ts';
import { projectorSubscriptions, type ProjectorName } from '../rabbitmq/topology.ts';

const projections: Record<ProjectorName, Projection<object>> = {
  invoices: invoiceProjection as Projection<object>,
  analytics: analyticsProjection as Projection<object>,
  directory: directoryProjection as Projection<object>,
};

export interface RebuildProgress {
  phase: 'backfill' | 'switch';
  applied: number;
  total: number;
}

export interface RebuildOptions {
  pool: pg.Pool;
  projection: ProjectorName;
  prefix: string;
  /** events per batch written to the new table */
  batchSize?: number;
  /** how long the live table's checkpoint must stand still before the switch */
  settleMs?: number;
  onProgress?: (progress: RebuildProgress) => void;
  /** stop (resumably) after this many batches: how tests interrupt a rebuild */
  stopAfterBatches?: number;
}

export interface RebuildResult {
  table: string;
  completed: boolean;
  applied: number;
}

const rebuildKey = (projection: ProjectorName) => ({ pk: 'REBUILD', sk: projection });

async function readCheckpoint(table: string): Promise<Checkpoint | undefined> {
  const { Item } = await dynamoDb().send(
    new GetCommand({ TableName: table, Key: CHECKPOINT_KEY, ConsistentRead: true }),
  );
  return Item as Checkpoint | undefined;
}

/** The table this rebuild fills: the one an interrupted rebuild started, or a new one. */
async function targetTable(projection: ProjectorName, prefix: string): Promise<string> {
  const streamTable = eventStreamTableName(prefix);
  const { Item } = await dynamoDb().send(
    new GetCommand({ TableName: streamTable, Key: rebuildKey(projection), ConsistentRead: true }),
  );
  if (Item) return String(Item.table);
  const definition = tableDefinitions(prefix).find(
    (table) => table.TableName === readModelTableName(prefix, projection),
  )!;
  const table = `${readModelTableName(prefix, projection)}-${Date.now().toString(36)}`;
  await dynamoDb()
    .send(new CreateTableCommand({ ...definition, TableName: table }))
    .catch((error: unknown) => {
      if (!(error instanceof ResourceInUseException)) throw error;
    });
  await waitUntilTableExists({ client: dynamoDb(), maxWaitTime: 300 }, { TableName: table });
  await dynamoDb().send(
    new PutCommand({
      TableName: streamTable,
      Item: { ...rebuildKey(projection), table, startedAt: new Date().toISOString() },
    }),
  );
  return table;
}

async function readyEventsAfter(pool: pg.Pool, position: number, types: readonly string[], limit: number) {
  const { rows } = await pool.query(
    `SELECT position, event_id, type, version, aggregate_id, correlation_id, occurred_at, data
     FROM event_log
     WHERE position > $1 AND type = ANY($2::text[]) AND transaction_id < pg_snapshot_xmin(pg_current_snapshot())
     ORDER BY position LIMIT $3`,
    [position, types, limit],
  );
  return rows.map((row) => {
    const parsed = parseStoredEvent(toEnvelope(row));
    if (!parsed.success) throw new Error(`event ${row.position} does not parse: ${parsed.error.message}`);
    return parsed.data;
  });
}

async function writeRoute(prefix: string, projection: ProjectorName, route: TableRoute) {
  await dynamoDb().send(
    new PutCommand({ TableName: eventStreamTableName(prefix), Item: { ...routeKey(projection), ...route } }),
  );
}

export async function rebuildProjection(options: RebuildOptions): Promise<RebuildResult> {
  const { pool, projection: name, prefix } = options;
  const projection = projections[name];
  const types = projectorSubscriptions[name];
  const batchSize = options.batchSize ?? 1_000;
  const table = await targetTable(name, prefix);
  const { rows } = await pool.query(
    'SELECT count(*)::int AS total FROM event_log WHERE type = ANY($1::text[])',
    [types],
  );
  const total: number = rows[0].total;
  let applied = (await readCheckpoint(table))?.eventCount ?? 0;
  let batches = 0;

  /**
   * Applies everything ready above the new table's checkpoint; false if told to stop first. The next
   * batch is read from PostgreSQL while the current one is written to DynamoDB: a batch's checkpoint
   * is its last event's position, so where the next one starts is known before the write ends.
   */
  const backfill = async (phase: RebuildProgress['phase']): Promise<boolean> => {
    const readAfter = (position: number) => {
      const reading = readyEventsAfter(pool, position, types, batchSize);
      // awaited below; until then a failure must not count as unhandled
      reading.catch(() => undefined);
      return reading;
    };
    let next = readAfter((await readCheckpoint(table))?.position ?? 0);
    for (;;) {
      if (options.stopAfterBatches !== undefined && batches >= options.stopAfterBatches) return false;
      const events: DomainEvent[] = await next;
      if (events.length === 0) return true;
      next = readAfter(events.at(-1)!.position);
      const result = await applyBatch(
        {
          db: dynamoDb(),
          tableName: table,
          park: (parked) => parkEvents(name, parked),
          now: new Date(),
        },
        projection,
        events,
      );
      applied += result.applied + result.parked.length;
      batches++;
      options.onProgress?.({ phase, applied, total });
    }
  };

  if (!(await backfill('backfill'))) return { table, completed: false, applied };

  const live = await readRoute(name);
  await writeRoute(prefix, name, { table: live.table, state: 'switching' });
  const settleMs = options.settleMs ?? 2_000;
  let last = JSON.stringify(await readCheckpoint(live.table));
  for (let stillSince = Date.now(); Date.now() - stillSince < settleMs;) {
    await new Promise((resolve) => setTimeout(resolve, 100));
    const now = JSON.stringify(await readCheckpoint(live.table));
    if (now !== last) [last, stillSince] = [now, Date.now()];
  }
  if (!(await backfill('switch'))) return { table, completed: false, applied };
  await writeRoute(prefix, name, { table, state: 'live' });
  await dynamoDb().send(
    new DeleteCommand({ TableName: eventStreamTableName(prefix), Key: rebuildKey(name) }),
  );
  return { table, completed: true, applied };
}
