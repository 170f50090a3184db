// How far a projection's streams have got (their checkpoints), and the bounded wait of read-your-writes
// until every stream of a projection has applied a position.
//
// A stream's checkpoint holds the position of the last event it applied; a stream that no event since
// a position touches never reaches that position by itself (an idle partition, or the invoices stream
// after a product event). So a stream has also applied a position once it has applied everything the
// relay had published when the relay's head had passed it: the stream head the relay copies to
// DynamoDB (streamHead.ts) holds both in one item.
//
// The wait is a caller's to ask for, on routes anyone signed in may call, so it must cost little: a
// position no command can have answered yet is refused at once, and the checkpoints are read ever
// less often (10 ms, doubling to 160 ms) until the bound (MAX_READ_WAIT_MS).
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { ProjectionName } from '../../projectors/catalog.ts';
import { checkpointKey, type Checkpoint } from '../../projectors/projection.ts';
import { streamsOf, type Stream } from '../../projectors/streams.ts';
import { liveTable } from '../../projectors/liveTables.ts';
import { STREAM_HEAD_KEY, type StreamHead } from '../../relay/streamHead.ts';
import { dynamoDb } from '../aws.ts';
import { settings } from '../config.ts';
import { BadRequestError } from '../errors.ts';
import { eventStreamTableName } from '../resourceNames.ts';

export interface StreamProgress {
  stream: Stream;
  checkpoint: Checkpoint | undefined;
}

/**
 * The checkpoints of `streams` (each in its projection's live table) and the stream head, side by
 * side (GetItem each: what every query's role may do on those tables); read consistently unless
 * `consistent` is false (half the cost, and off the item's leader: public health's reads).
 */
export async function readProgress(
  streams: readonly Stream[],
  { consistent = true }: { consistent?: boolean } = {},
): Promise<{ head: StreamHead | undefined; streams: StreamProgress[] }> {
  const get = async (table: string, key: object) =>
    (await dynamoDb().send(new GetCommand({ TableName: table, Key: key, ConsistentRead: consistent }))).Item;
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

/** The first pause between two reads of the checkpoints, doubled after each read up to the cap. */
const FIRST_POLL_MS = 10;
const POLL_CAP_MS = 160;

/**
 * How far past the relay's head a position may be and still be one a command answered: positions are
 * a transaction id × 1000 + an index, and a command answers before the relay has published its events
 * (woken at once, it publishes within milliseconds, or at its one-minute schedule if a wake-up is
 * lost), while the transaction ids go on counting every write in the cluster. A million transactions
 * past the head is ten minutes at the commands' full rate (44 containers at 25 ms); further is no
 * command's answer, and is refused rather than waited for.
 */
export const POSITION_LEEWAY = 1_000_000 * 1000;

/** Whether no command can have answered `position` yet, by the relay's head (none yet: it cannot tell). */
export const beyondHead = (position: number, head: StreamHead | undefined): boolean =>
  head !== undefined && position > head.headPosition + POSITION_LEEWAY;

/**
 * Resolves once every stream of the projection has applied `position`, or when `waitMs` ran out;
 * `position` is how far the slowest had got. A position beyond the relay's head is a 400 at once.
 */
export async function awaitPosition(
  projection: ProjectionName,
  position: number,
  waitMs = settings.MAX_READ_WAIT_MS,
): Promise<{ reached: boolean; position: number }> {
  const deadline = Date.now() + waitMs;
  const streams = streamsOf(projection);
  for (let pause = FIRST_POLL_MS; ; pause = Math.min(pause * 2, POLL_CAP_MS)) {
    const progress = await readProgress(streams);
    if (beyondHead(position, progress.head)) {
      throw new BadRequestError(
        'validation_failed',
        'X-Min-Position: is beyond the event stream: send the X-Event-Position a command answered',
        'X-Min-Position',
      );
    }
    const reached = Math.min(...progress.streams.map((stream) => appliedUpTo(stream, progress.head)));
    if (reached >= position) return { reached: true, position: reached };
    const left = deadline - Date.now();
    if (left <= 0) return { reached: false, position: reached };
    await new Promise((resolve) => setTimeout(resolve, Math.min(pause, left)));
  }
}
