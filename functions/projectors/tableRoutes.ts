// Which table serves each projection. A rebuild fills a new table while the live one keeps serving,
// then switches over (blue/green); the route says which table is live, and `switching` while the
// switch is in progress, when the projector must not write.
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { eventStreamTableName, readModelTableName } from '../shared/resourceNames.ts';
import type { ProjectionName } from './catalog.ts';
import { dynamoDb } from '../shared/aws.ts';
import { settings } from '../shared/config.ts';

export interface TableRoute {
  table: string;
  state: 'live' | 'switching';
}

export const routeKey = (projection: ProjectionName) => ({ pk: 'ROUTE', sk: projection });

/** The route as stored now; the table created with the stack until a rebuild switched it. */
export async function readRoute(projection: ProjectionName): Promise<TableRoute> {
  const { Item } = await dynamoDb().send(
    new GetCommand({
      TableName: eventStreamTableName(settings.RESOURCE_PREFIX),
      Key: routeKey(projection),
      ConsistentRead: true,
    }),
  );
  return (
    (Item as TableRoute | undefined) ?? {
      table: readModelTableName(settings.RESOURCE_PREFIX, projection),
      state: 'live',
    }
  );
}

const ROUTE_CACHE_MS = 1_000;
const cached = new Map<ProjectionName, { route: Promise<TableRoute>; at: number }>();

/**
 * The table queries read, cached for a second per container: after a switch, reads may come from
 * the old table for up to a second; it is frozen at the switch point, so they are older, never wrong.
 */
export async function liveTable(projection: ProjectionName): Promise<string> {
  const entry = cached.get(projection);
  if (entry && Date.now() - entry.at < ROUTE_CACHE_MS) return (await entry.route).table;
  const route = readRoute(projection);
  cached.set(projection, { route, at: Date.now() });
  try {
    return (await route).table;
  } catch (error) {
    cached.delete(projection);
    throw error;
  }
}
