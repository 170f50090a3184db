// Which table serves each projection. A rebuild fills a new table while the live one keeps serving,
// then switches over (blue/green); its record says which table is live, and `switching` while the
// switch is in progress, when the projector must not write.
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { eventStreamTableName, readModelTableName } from '../shared/resourceNames.ts';
import type { ProjectionName } from './catalog.ts';
import { dynamoDb } from '../shared/aws.ts';
import { settings } from '../shared/config.ts';

export interface LiveTable {
  table: string;
  state: 'live' | 'switching';
}

// pk 'ROUTE' from when this was a "table route": deployed event-stream tables hold the records there
export const liveTableKey = (projection: ProjectionName) => ({ pk: 'ROUTE', sk: projection });

/** The live table as recorded now; the table created with the stack until a rebuild switched it. */
export async function readLiveTable(projection: ProjectionName): Promise<LiveTable> {
  const { Item } = await dynamoDb().send(
    new GetCommand({
      TableName: eventStreamTableName(settings.RESOURCE_PREFIX),
      Key: liveTableKey(projection),
      ConsistentRead: true,
    }),
  );
  return (
    (Item as LiveTable | undefined) ?? {
      table: readModelTableName(settings.RESOURCE_PREFIX, projection),
      state: 'live',
    }
  );
}

const LIVE_TABLE_CACHE_MS = 1_000;
const cached = new Map<ProjectionName, { read: Promise<LiveTable>; at: number }>();

/**
 * The table queries read, cached for a second per container: after a switch, reads may come from
 * the old table for up to a second; it is frozen at the switch point, so they are older, never wrong.
 */
export async function liveTable(projection: ProjectionName): Promise<string> {
  const entry = cached.get(projection);
  if (entry && Date.now() - entry.at < LIVE_TABLE_CACHE_MS) return (await entry.read).table;
  const read = readLiveTable(projection);
  cached.set(projection, { read, at: Date.now() });
  try {
    return (await read).table;
  } catch (error) {
    cached.delete(projection);
    throw error;
  }
}
