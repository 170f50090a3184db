// How far a projection's streams have got (their checkpoints), and the bounded wait of read-your-writes
// until every stream of a projection has applied a position.
//
// A stream's checkpoint holds the position of the last event it applied; a stream that no event since
// a position touches never reaches that position by itself (an idle partition, or the invoices stream
// after a product event). So a stream has also applied a position once it has applied everything the
// relay had published when the relay's head had passed it: the stream head the relay copies to
// DynamoDB (streamHead.ts) holds both in one item.
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { ProjectionName } from '../../projectors/catalog.ts';
import { checkpointKey, type Checkpoint } from '../../projectors/projection.ts';
import { streamsOf, type Stream } from '../../projectors/streams.ts';
import { liveTable } from '../../projectors/tableRoutes.ts';
import { STREAM_HEAD_KEY, type StreamHead } from '../../relay/streamHead.ts';
import { dynamoDb } from '../aws.ts';
import { settings } from '../config.ts';
import { eventStreamTableName } from '../resourceNames.ts';

export interface StreamProgress {
  stream: Stream;
  checkpoint: Checkpoint | undefined;
}

/**
 * The checkpoints of `streams` (each in its projection's live table) and the stream head, read
 * consistently and side by side (GetItem each: what every query's role may do on those tables).
 */
export async function readProgress(
  streams: readonly Stream[],
): Promise<{ head: StreamHead | undefined; streams: StreamProgress[] }> {
  const get = async (table: string, key: object) =>
    (await dynamoDb().send(new GetCommand({ TableName: table, Key: key, ConsistentRead: true }))).Item;
  const [head, ...checkpoints] = await Promise.all([
    get(eventStreamTableName(settings.RESOURCE_PREFIX), STREAM_HEAD_KEY),
    ...streams.map(async (stream) =>
      get(await liveTable(stream.projection), checkpointKey(stream.partition)),
    ),
  ]);
  return {
    head: head as StreamHead | undefined,
    streams: streams.map((stream, index) => ({
      stream,
      checkpoint: checkpoints[index] as Checkpoint | undefined,
    })),
  };
}

/** A stream's checkpoint, read consistently. */
export async function readCheckpoint(stream: Stream): Promise<Checkpoint | undefined> {
  return (await readProgress([stream])).streams[0]!.checkpoint;
}

/**
 * The position up to which a stream has applied every event: its checkpoint's, or the relay's head
 * when it has applied all the relay had published by then.
 */
export function appliedUpTo({ stream, checkpoint }: StreamProgress, head: StreamHead | undefined): number {
  const position = checkpoint?.position ?? 0;
  const published = head?.publishedSequences?.[stream.name] ?? 0;
  const caughtUp = head !== undefined && (checkpoint?.sequence ?? 0) >= published;
  return caughtUp ? Math.max(position, head.headPosition) : position;
}

const POLL_MS = 10;

/**
 * Resolves once every stream of the projection has applied `position`, or when `waitMs` ran out;
 * `position` is how far the slowest had got.
 */
export async function awaitPosition(
  projection: ProjectionName,
  position: number,
  waitMs = settings.MAX_READ_WAIT_MS,
): Promise<{ reached: boolean; position: number }> {
  const deadline = Date.now() + waitMs;
  const streams = streamsOf(projection);
  for (;;) {
    const progress = await readProgress(streams);
    const reached = Math.min(...progress.streams.map((stream) => appliedUpTo(stream, progress.head)));
    if (reached >= position) return { reached: true, position: reached };
    if (Date.now() >= deadline) return { reached: false, position: reached };
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
