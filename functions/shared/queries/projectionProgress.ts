// Reads a projection's checkpoint, and waits (bounded) for it to reach a position: read-your-writes.
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { ProjectionName } from '../../projectors/catalog.ts';
import { CHECKPOINT_KEY, type Checkpoint } from '../../projectors/projection.ts';
import { liveTable } from '../../projectors/tableRoutes.ts';
import { dynamoDb } from '../aws.ts';
import { settings } from '../config.ts';

export async function readCheckpoint(projection: ProjectionName): Promise<Checkpoint | undefined> {
  const { Item } = await dynamoDb().send(
    new GetCommand({
      TableName: await liveTable(projection),
      Key: CHECKPOINT_KEY,
      ConsistentRead: true,
    }),
  );
  return Item as Checkpoint | undefined;
}

const POLL_MS = 10;

/** Resolves once the projection has applied `position`, or when `waitMs` ran out. */
export async function awaitPosition(
  projection: ProjectionName,
  position: number,
  waitMs = settings.MAX_READ_WAIT_MS,
): Promise<{ reached: boolean; position: number }> {
  const deadline = Date.now() + waitMs;
  for (;;) {
    const reached = (await readCheckpoint(projection))?.position ?? 0;
    if (reached >= position) return { reached: true, position: reached };
    if (Date.now() >= deadline) return { reached: false, position: reached };
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
