// Whether the read models a reused store kept (storeDaemon.ts) may be served, and what to rebuild.
// They are trusted only if they were made from this event log, with today's tables and partitions:
// - the event log's identity (the PostgreSQL cluster's system identifier and the database's oid,
//   which a dropped and recreated database does not keep) is recorded in the store's marker: another
//   log, and the whole store is replaced (readSide.ts);
// - each table's definition (keys and indexes, from the catalog) is recorded as a hash, and each
//   projection's partition count: a projection whose table or count changed is dropped and rebuilt
//   (a changed event-stream table, which holds the live tables, drops every projection);
// - each stream's checkpoint must name an event of this log: the number it has reached in its stream
//   must be, in PostgreSQL, the event at the position and time it recorded (a database restored from
//   an older backup, or another cluster's log with the same oid, fails this).
// What is dropped starts empty, and the relay re-publishes its streams (HEAL_AT_START).
import { createHash } from 'node:crypto';
import {
  DeleteTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  type CreateTableCommandInput,
} from '@aws-sdk/client-dynamodb';
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import type pg from 'pg';
import { projectionNames, type ProjectionName } from '../../../functions/projectors/catalog.ts';
import type { Checkpoint } from '../../../functions/projectors/projection.ts';
import { partitionCount, streamsOf } from '../../../functions/projectors/streams.ts';
import { liveTableKey } from '../../../functions/projectors/liveTables.ts';
import { dynamoDb } from '../../../functions/shared/aws.ts';
import { createDynamoDbClient } from '../../../functions/shared/awsClients.ts';
import { settings } from '../../../functions/shared/config.ts';
import { readProgress } from '../../../functions/shared/queries/projectionProgress.ts';
import { eventStreamTableName, readModelTableName } from '../../../functions/shared/resourceNames.ts';
import { tableDefinitions } from '../../deploy/readModelResources.ts';

export interface EventLogIdentity {
  /** null where the role may not read pg_control_system() (superusers and pg_monitor may) */
  systemIdentifier: string | null;
  databaseOid: string;
}

export interface Marker {
  eventLog: EventLogIdentity;
  /** per table name, the hash of its definition */
  tables: Record<string, string>;
  /** per projection, its partitions when the read models were made */
  partitions: Record<string, number>;
}

export async function eventLogIdentity(pool: pg.Pool): Promise<EventLogIdentity> {
  const {
    rows: [database],
  } = await pool.query<{ oid: string }>(
    'SELECT oid::text FROM pg_database WHERE datname = current_database()',
  );
  const systemIdentifier = await pool
    .query<{ id: string }>('SELECT system_identifier::text AS id FROM pg_control_system()')
    .then(({ rows }) => rows[0]?.id ?? null)
    .catch(() => null);
  return { systemIdentifier, databaseOid: database!.oid };
}

export const sameEventLog = (kept: EventLogIdentity, now: EventLogIdentity) =>
  kept.databaseOid === now.databaseOid &&
  (kept.systemIdentifier === null ||
    now.systemIdentifier === null ||
    kept.systemIdentifier === now.systemIdentifier);

const definitionHash = (definition: CreateTableCommandInput) =>
  createHash('sha256').update(JSON.stringify(definition)).digest('hex').slice(0, 16);

/** The marker of read models made now, from this log, with today's tables and partitions. */
export const currentMarker = (prefix: string, eventLog: EventLogIdentity): Marker => ({
  eventLog,
  tables: Object.fromEntries(
    tableDefinitions(prefix).map((table) => [table.TableName!, definitionHash(table)]),
  ),
  partitions: Object.fromEntries(projectionNames.map((name) => [name, partitionCount(name)])),
});

/** Does the checkpoint name an event of this log, at the number, position and time it recorded? */
export async function checkpointInLog(
  pool: pg.Pool,
  stream: string,
  checkpoint: Checkpoint | undefined,
): Promise<boolean> {
  if (!checkpoint?.sequence) return true;
  const { rows } = await pool.query<{ position: string; occurred_at: Date }>(
    `SELECT q.position, e.occurred_at FROM stream_sequences q JOIN event_log e ON e.position = q.position
     WHERE q.stream = $1 AND q.sequence = $2`,
    [stream, checkpoint.sequence],
  );
  const row = rows[0];
  return (
    row !== undefined &&
    Number(row.position) === Number(checkpoint.position) &&
    row.occurred_at.getTime() === Date.parse(checkpoint.occurredAt)
  );
}

async function tableNames(client: DynamoDBClient): Promise<string[]> {
  const names: string[] = [];
  let start: string | undefined;
  do {
    const page = await client.send(new ListTablesCommand({ ExclusiveStartTableName: start }));
    names.push(...(page.TableNames ?? []));
    start = page.LastEvaluatedTableName;
  } while (start);
  return names;
}

export interface Dropped {
  projection: ProjectionName;
  why: string;
}

/** What changed in the code since the read models were made: the projections concerned, and why. */
export function changedSince(prefix: string, kept: Marker, now: Marker): Dropped[] {
  const streamTable = eventStreamTableName(prefix);
  if (kept.tables[streamTable] !== now.tables[streamTable])
    return projectionNames.map((projection) => ({ projection, why: 'the event-stream table changed' }));
  return projectionNames.flatMap((projection) => {
    const table = readModelTableName(prefix, projection);
    if (kept.tables[table] !== now.tables[table])
      return [{ projection, why: 'its table changed in the code' }];
    const [was, is] = [kept.partitions[projection], now.partitions[projection]];
    if (was !== is) return [{ projection, why: `its partitions went from ${was} to ${is}` }];
    return [];
  });
}

/** A projection's tables (the one made with the stack and those `npm run rebuild` made) and its live table record. */
async function dropProjection(client: DynamoDBClient, prefix: string, projection: ProjectionName) {
  const base = readModelTableName(prefix, projection);
  for (const name of await tableNames(client)) {
    if (name === base || name.startsWith(`${base}-`))
      await client.send(new DeleteTableCommand({ TableName: name }));
  }
  await dynamoDb()
    .send(new DeleteCommand({ TableName: eventStreamTableName(prefix), Key: liveTableKey(projection) }))
    .catch(() => undefined);
}

/**
 * Drops what may not be served: each projection that `changed` names, then each projection one of
 * whose streams has a checkpoint that is not of this log; `createTables` makes what was dropped again,
 * empty. The store is the DynamoDB functions/shared/aws.ts points at. Returns what it dropped.
 */
export async function dropWhatCannotBeKept(
  prefix: string,
  pool: pg.Pool,
  changed: Dropped[],
  createTables: () => Promise<void>,
): Promise<Dropped[]> {
  const client = createDynamoDbClient({
    AWS_REGION: settings.AWS_REGION,
    DYNAMODB_ENDPOINT: settings.DYNAMODB_ENDPOINT,
  });
  const dropped: Dropped[] = [];
  try {
    for (const { projection, why } of changed) {
      await dropProjection(client, prefix, projection);
      dropped.push({ projection, why });
    }
    await createTables();
    for (const projection of projectionNames) {
      if (dropped.some((drop) => drop.projection === projection)) continue;
      const { streams } = await readProgress(streamsOf(projection));
      const foreign = [];
      for (const { stream, checkpoint } of streams)
        if (!(await checkpointInLog(pool, stream.name, checkpoint))) foreign.push(stream.name);
      if (foreign.length > 0) {
        await dropProjection(client, prefix, projection);
        dropped.push({
          projection,
          why: `the checkpoint of ${foreign.join(', ')} names no event of this log`,
        });
      }
    }
    if (dropped.length > 0) await createTables();
    return dropped;
  } finally {
    client.destroy();
  }
}
