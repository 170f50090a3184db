// Whether the read models `npm run dev` kept from its last run may be served, and what to rebuild.
// A kept read model is trusted only if it was made from this event log and with today's tables:
// - the event log's identity (the PostgreSQL cluster's system identifier and the database's oid, which
//   a dropped and recreated database does not keep) is recorded beside the data: another log, and
//   everything kept is dropped;
// - each table's definition (keys and indexes, from the catalog) is recorded as a hash: a table whose
//   definition changed in the code is dropped and its projection rebuilt;
// - each projection's checkpoint must name an event of this log: the number it has reached in its
//   stream must be, in PostgreSQL, the event at the position and time it recorded (a database
//   restored from an older backup, or another cluster's log, fails this).
// What is dropped starts empty, and the relay re-publishes its whole stream (HEAL_AT_START).
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  DeleteTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  type CreateTableCommandInput,
} from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import type pg from 'pg';
import {
  projectionCatalog,
  projectionNames,
  type ProjectionName,
} from '../../functions/projectors/catalog.ts';
import { CHECKPOINT_KEY, type Checkpoint } from '../../functions/projectors/projection.ts';
import { routeKey, type TableRoute } from '../../functions/projectors/tableRoutes.ts';
import { eventStreamTableName, readModelTableName } from '../../functions/shared/resourceNames.ts';
import { tableDefinitions } from '../aws/readModelResources.ts';

export interface EventLogIdentity {
  /** null where the role may not read pg_control_system() (superusers and pg_monitor may) */
  systemIdentifier: string | null;
  databaseOid: string;
}

interface Marker {
  eventLog: EventLogIdentity;
  /** per table name, the hash of its definition */
  tables: Record<string, string>;
}

const MARKER_FILE = 'kept.json';

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

export async function readMarker(folder: string): Promise<Marker | undefined> {
  try {
    return JSON.parse(await readFile(join(folder, MARKER_FILE), 'utf8')) as Marker;
  } catch {
    return undefined;
  }
}

export const sameEventLog = (kept: EventLogIdentity, now: EventLogIdentity) =>
  kept.databaseOid === now.databaseOid &&
  (kept.systemIdentifier === null ||
    now.systemIdentifier === null ||
    kept.systemIdentifier === now.systemIdentifier);

const definitionHash = (definition: CreateTableCommandInput) =>
  createHash('sha256').update(JSON.stringify(definition)).digest('hex').slice(0, 16);

export const tableHashes = (prefix: string): Record<string, string> =>
  Object.fromEntries(tableDefinitions(prefix).map((table) => [table.TableName!, definitionHash(table)]));

export async function writeMarker(folder: string, marker: Marker): Promise<void> {
  await writeFile(join(folder, MARKER_FILE), `${JSON.stringify(marker, null, 2)}\n`);
}

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

export interface KeptStore {
  endpoint: string;
  prefix: string;
  region: string;
}

function clients(store: KeptStore) {
  const client = new DynamoDBClient({
    endpoint: store.endpoint,
    region: store.region,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  return { client, documents: DynamoDBDocumentClient.from(client) };
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

/**
 * Drops what may not be served: every table of the prefix if the event-stream table changed (it holds
 * the routes), otherwise each projection whose table changed; then, once the tables exist again
 * (`createTables`), each projection whose checkpoint is not of this log. Returns what it dropped.
 */
export async function dropWhatCannotBeKept(
  store: KeptStore,
  pool: pg.Pool,
  keptHashes: Record<string, string> | undefined,
  createTables: () => Promise<void>,
): Promise<{ projection: ProjectionName; why: string }[]> {
  const { client, documents } = clients(store);
  const hashes = tableHashes(store.prefix);
  const dropped: { projection: ProjectionName; why: string }[] = [];
  const streamTable = eventStreamTableName(store.prefix);
  try {
    const existing = await tableNames(client);
    const dropTables = async (belongs: (name: string) => boolean) => {
      for (const name of existing.filter(belongs))
        await client.send(new DeleteTableCommand({ TableName: name }));
    };
    /** the projection's tables: the one made with the stack and those `npm run rebuild` made */
    const ofProjection = (projection: ProjectionName) => (name: string) => {
      const base = readModelTableName(store.prefix, projection);
      return name === base || name.startsWith(`${base}-`);
    };
    const dropProjection = async (projection: ProjectionName, why: string) => {
      if (existing.includes(streamTable))
        await documents.send(new DeleteCommand({ TableName: streamTable, Key: routeKey(projection) }));
      await dropTables(ofProjection(projection));
      dropped.push({ projection, why });
    };
    if (keptHashes && existing.includes(streamTable) && keptHashes[streamTable] !== hashes[streamTable]) {
      await dropTables((name) => name.startsWith(`${store.prefix}-`));
      for (const projection of projectionNames) dropped.push({ projection, why: 'the tables changed' });
    } else if (keptHashes) {
      for (const projection of projectionNames) {
        const table = readModelTableName(store.prefix, projection);
        if (existing.includes(table) && keptHashes[table] !== hashes[table])
          await dropProjection(projection, 'its table changed in the code');
      }
    }
    await createTables();
    for (const projection of projectionNames) {
      if (dropped.some((drop) => drop.projection === projection)) continue;
      const route = (
        await documents.send(
          new GetCommand({ TableName: streamTable, Key: routeKey(projection), ConsistentRead: true }),
        )
      ).Item as TableRoute | undefined;
      const table = route?.table ?? readModelTableName(store.prefix, projection);
      const checkpoint = (
        await documents.send(new GetCommand({ TableName: table, Key: CHECKPOINT_KEY, ConsistentRead: true }))
      ).Item as Checkpoint | undefined;
      if (!(await checkpointInLog(pool, projectionCatalog[projection].queue, checkpoint))) {
        existing.splice(0, existing.length, ...(await tableNames(client)));
        await dropProjection(projection, 'its checkpoint names no event of this log');
      }
    }
    if (dropped.length > 0) await createTables();
    return dropped;
  } finally {
    client.destroy();
  }
}
