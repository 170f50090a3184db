// Rebuilds a projection from the PostgreSQL event log into a new table while the live one keeps
// serving, then switches reads and the projector over (blue/green). The new table's own checkpoint
// makes an interrupted rebuild resume where it stopped.
//
// It reads each of the projection's streams (one per partition) from the event log by sequence number
// (the numbers the relay gave every event), so the new table's checkpoints mean what the live ones'
// do. The switch: mark the live table `switching` (liveTables.ts; the projector fails its batches,
// which come again later), take every partition's lease on the live table (so no batch is in flight
// there), apply what the new table still lacks, then record the new table as live. Every event is then in the new table exactly once, the old table is frozen at the switch
// point, and the queue's messages at or below the new checkpoint are skipped as duplicates.
import { randomUUID } from 'node:crypto';
import {
  CreateTableCommand,
  DescribeContinuousBackupsCommand,
  DescribeTableCommand,
  ResourceInUseException,
  UpdateContinuousBackupsCommand,
  waitUntilTableExists,
  type CreateTableCommandInput,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type pg from 'pg';
import { parseStoredEvent } from '../../events/storedEvents.ts';
import { applyBatch, type SequencedEvent } from '../../functions/projectors/applyBatch.ts';
import type { ProjectionName } from '../../functions/projectors/catalog.ts';
import { parkEvents } from '../../functions/projectors/deadLetters.ts';
import { checkpointKey, type Checkpoint } from '../../functions/projectors/projection.ts';
import { partitionView, streamsOf, type Stream } from '../../functions/projectors/streams.ts';
import { LeaseHeldError, type ProjectionStore } from '../../functions/projectors/projectionStore.ts';
import { dynamoProjectionStore } from '../../functions/projectors/dynamoProjectionStore.ts';
import { projections } from '../../functions/projectors/projections.ts';
import { readLiveTable, liveTableKey, type LiveTable } from '../../functions/projectors/liveTables.ts';
import { readStream, toEnvelope } from '../../functions/relay/eventLog.ts';
import { dynamoDb } from '../../functions/shared/aws.ts';
import { eventStreamTableName, readModelTableName } from '../../functions/shared/resourceNames.ts';
import { tableDefinitions } from '../deploy/readModelResources.ts';

/** How long one batch of the rebuild may write before its lease lapses. */
const BATCH_DEADLINE_MS = 60_000;
/** How long the switch may hold the live table's lease: the last backfill and the new live table. */
const SWITCH_DEADLINE_MS = 120_000;

/** Takes the lease once its holder (a projector batch in flight) gives it up. */
async function untilAcquired(store: ProjectionStore): Promise<void> {
  const deadline = Date.now() + 2 * 60_000;
  for (;;) {
    try {
      await store.acquire();
      return;
    } catch (error) {
      if (!(error instanceof LeaseHeldError) || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

export interface RebuildProgress {
  phase: 'backfill' | 'switch';
  applied: number;
  total: number;
}

export interface RebuildOptions {
  pool: pg.Pool;
  projection: ProjectionName;
  prefix: string;
  /** events per batch written to the new table */
  batchSize?: number;
  onProgress?: (progress: RebuildProgress) => void;
  /** stop (resumably) after this many batches: how tests interrupt a rebuild */
  stopAfterBatches?: number;
}

export interface RebuildResult {
  table: string;
  completed: boolean;
  applied: number;
}

const rebuildKey = (projection: ProjectionName) => ({ pk: 'REBUILD', sk: projection });

async function readCheckpoint(table: string, stream: Stream): Promise<Checkpoint | undefined> {
  const { Item } = await dynamoDb().send(
    new GetCommand({ TableName: table, Key: checkpointKey(stream.partition), ConsistentRead: true }),
  );
  return Item as Checkpoint | undefined;
}

interface TableProtection {
  deletionProtection: boolean;
  pointInTimeRecovery: boolean;
}

/**
 * What the live table keeps that its rebuilt copy must keep too, since the copy lives outside
 * CloudFormation: deletion protection and point-in-time recovery (on the production stages). An
 * emulator without continuous backups (dynalite) has none to copy.
 */
async function protectionOf(client: DynamoDBClient, table: string): Promise<TableProtection> {
  const { Table } = await client.send(new DescribeTableCommand({ TableName: table }));
  let pointInTimeRecovery = false;
  try {
    const { ContinuousBackupsDescription } = await client.send(
      new DescribeContinuousBackupsCommand({ TableName: table }),
    );
    pointInTimeRecovery =
      ContinuousBackupsDescription?.PointInTimeRecoveryDescription?.PointInTimeRecoveryStatus === 'ENABLED';
  } catch (error) {
    if ((error as { name?: string }).name !== 'UnknownOperationException') throw error;
  }
  return { deletionProtection: Table?.DeletionProtectionEnabled === true, pointInTimeRecovery };
}

/**
 * Creates `definition`'s table (if it does not exist yet) with the deletion protection `live` has,
 * and calls `created` once DynamoDB has taken the request, before waiting for it to be active.
 */
export async function createTableLike(
  client: DynamoDBClient,
  live: string,
  definition: CreateTableCommandInput,
  created: () => Promise<void> = async () => {},
): Promise<void> {
  const protection = await protectionOf(client, live);
  await client
    .send(
      new CreateTableCommand({
        ...definition,
        ...(protection.deletionProtection ? { DeletionProtectionEnabled: true } : {}),
      }),
    )
    .catch((error: unknown) => {
      if (!(error instanceof ResourceInUseException)) throw error;
    });
  await created();
  await keepProtection(client, live, definition.TableName!);
}

/**
 * Gives `table` the point-in-time recovery `live` has, once it is active; idempotent, so that a
 * resumed rebuild makes sure of it too. DynamoDB may refuse continuous backups for a moment after a
 * table is created (ContinuousBackupsUnavailableException): that is retried for up to two minutes.
 */
export async function keepProtection(client: DynamoDBClient, live: string, table: string): Promise<void> {
  await waitUntilTableExists({ client, maxWaitTime: 300 }, { TableName: table });
  if (!(await protectionOf(client, live)).pointInTimeRecovery) return;
  const deadline = Date.now() + 120_000;
  for (let attempt = 0; ; attempt++) {
    try {
      await client.send(
        new UpdateContinuousBackupsCommand({
          TableName: table,
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        }),
      );
      return;
    } catch (error) {
      const unavailable = (error as { name?: string }).name === 'ContinuousBackupsUnavailableException';
      if (!unavailable || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.min(1_000 * 2 ** attempt, 15_000)));
    }
  }
}

/**
 * The table this rebuild fills: the one an interrupted rebuild started, or a new one, with the
 * protection of the table the projection is served from now.
 */
async function targetTable(projection: ProjectionName, prefix: string): Promise<string> {
  const streamTable = eventStreamTableName(prefix);
  const live = (await readLiveTable(projection)).table;
  const { Item } = await dynamoDb().send(
    new GetCommand({ TableName: streamTable, Key: rebuildKey(projection), ConsistentRead: true }),
  );
  if (Item) {
    await keepProtection(dynamoDb(), live, String(Item.table));
    return String(Item.table);
  }
  const definition = tableDefinitions(prefix).find(
    (table) => table.TableName === readModelTableName(prefix, projection),
  )!;
  const table = `${readModelTableName(prefix, projection)}-${Date.now().toString(36)}`;
  // the table is recorded as soon as it exists, so that a failure after it never leaves one unknown
  await createTableLike(dynamoDb(), live, { ...definition, TableName: table }, () =>
    dynamoDb()
      .send(
        new PutCommand({
          TableName: streamTable,
          Item: { ...rebuildKey(projection), table, startedAt: new Date().toISOString() },
        }),
      )
      .then(() => undefined),
  );
  return table;
}

/** The stream's events numbered after `sequence`, in order, at most `limit`. */
async function eventsAfter(pool: pg.Pool, stream: string, sequence: number, limit: number) {
  const rows = await readStream(pool, stream, { from: sequence + 1, limit });
  return rows.map((row): SequencedEvent => {
    const parsed = parseStoredEvent(toEnvelope(row));
    if (!parsed.success) throw new Error(`event ${row.position} does not parse: ${parsed.error.message}`);
    return { sequence: row.sequences[stream]!, event: parsed.data };
  });
}

async function writeLiveTable(prefix: string, projection: ProjectionName, live: LiveTable) {
  await dynamoDb().send(
    new PutCommand({
      TableName: eventStreamTableName(prefix),
      Item: { ...liveTableKey(projection), ...live },
    }),
  );
}

export async function rebuildProjection(options: RebuildOptions): Promise<RebuildResult> {
  const { pool, projection: name, prefix } = options;
  const streams = streamsOf(name);
  const batchSize = options.batchSize ?? 1_000;
  const table = await targetTable(name, prefix);
  const { rows } = await pool.query(
    'SELECT count(*)::int AS total FROM stream_sequences WHERE stream = ANY($1::text[])',
    [streams.map((stream) => stream.name)],
  );
  const total: number = rows[0].total;
  const appliedIn = new Map<string, number>();
  for (const stream of streams)
    appliedIn.set(stream.name, (await readCheckpoint(table, stream))?.sequence ?? 0);
  const applied = () => [...appliedIn.values()].reduce((sum, sequence) => sum + sequence, 0);
  let batches = 0;
  // one writer through the whole run: a batch that failed leaves a lease the next one takes back
  const writer = randomUUID();

  /**
   * Applies one stream above the new table's checkpoint; false if told to stop first. The next batch
   * is read from PostgreSQL while the current one is written to DynamoDB: a batch's checkpoint is its
   * last sequence, so where the next one starts is known before the write ends.
   */
  const backfillStream = async (stream: Stream, phase: RebuildProgress['phase']): Promise<boolean> => {
    const projection = partitionView(projections[name], stream);
    const readAfter = (sequence: number) => {
      const reading = eventsAfter(pool, stream.name, sequence, batchSize);
      // awaited below; until then a failure must not count as unhandled
      reading.catch(() => undefined);
      return reading;
    };
    let next = readAfter((await readCheckpoint(table, stream))?.sequence ?? 0);
    for (;;) {
      if (options.stopAfterBatches !== undefined && batches >= options.stopAfterBatches) return false;
      const events = await next;
      if (events.length === 0) return true;
      next = readAfter(events.at(-1)!.sequence);
      const store = dynamoProjectionStore(dynamoDb(), table, {
        deadline: Date.now() + BATCH_DEADLINE_MS,
        token: writer,
        partition: stream.partition,
      });
      const result = await applyBatch(
        store,
        projection,
        { events, undecodable: [] },
        { park: (parked) => parkEvents(stream, parked), now: new Date() },
      );
      appliedIn.set(stream.name, result.checkpoint.sequence);
      batches++;
      options.onProgress?.({ phase, applied: applied(), total });
    }
  };
  const backfill = async (phase: RebuildProgress['phase']) => {
    for (const stream of streams) if (!(await backfillStream(stream, phase))) return false;
    return true;
  };

  if (!(await backfill('backfill'))) return { table, completed: false, applied: applied() };

  const live = await readLiveTable(name);
  await writeLiveTable(prefix, name, { table: live.table, state: 'switching' });
  // Every partition's lease on the live table, held through the switch: a batch in flight finishes
  // first, and one that read the live table before it said `switching` fails on the lease and comes again,
  // to the new table.
  const liveLeases = streams.map((stream) =>
    dynamoProjectionStore(dynamoDb(), live.table, {
      deadline: Date.now() + SWITCH_DEADLINE_MS,
      token: writer,
      partition: stream.partition,
    }),
  );
  try {
    for (const lease of liveLeases) await untilAcquired(lease);
    if (!(await backfill('switch'))) return { table, completed: false, applied: applied() };
    await writeLiveTable(prefix, name, { table, state: 'live' });
  } finally {
    for (const lease of liveLeases) await lease.release();
  }
  await dynamoDb().send(
    new DeleteCommand({ TableName: eventStreamTableName(prefix), Key: rebuildKey(name) }),
  );
  return { table, completed: true, applied: applied() };
}
