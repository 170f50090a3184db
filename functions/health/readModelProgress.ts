// Whether the read models are current: every number the relay has published in each stream (each
// partition of a projection; the stream head it copies to DynamoDB) against that stream's checkpoint,
// read as sync-status reads them (projectionProgress.ts).
import { allStreams } from '../projectors/streams.ts';
import { logger } from '../shared/logger.ts';
import { readProgress } from '../shared/queries/projectionProgress.ts';

export type ReadModelProgress =
  | { status: 'current' | 'catching_up'; eventsBehind: number; projectors: Record<string, number> }
  | { status: 'unknown' };

const TIMEOUT_MS = 2_000;

/** `consistent`: false for the public check, whose answer may trail by a replica's lag. */
export async function readModelProgress({ consistent }: { consistent: boolean }): Promise<ReadModelProgress> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      streamsBehind(consistent),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${TIMEOUT_MS} ms`)), TIMEOUT_MS);
      }),
    ]);
  } catch (error) {
    // DynamoDB's own state is the dependency check's to report
    logger.warn('could not read the read models progress', { error });
    return { status: 'unknown' };
  } finally {
    clearTimeout(timer);
  }
}

async function streamsBehind(consistent: boolean): Promise<ReadModelProgress> {
  const { head, streams } = await readProgress(allStreams(), { consistent });
  const behind = Object.fromEntries(
    streams.map(({ stream, checkpoint }) => [
      stream.name,
      Math.max(0, (head?.publishedSequences?.[stream.name] ?? 0) - (checkpoint?.sequence ?? 0)),
    ]),
  );
  const eventsBehind = Object.values(behind).reduce((sum, count) => sum + count, 0);
  return { status: eventsBehind > 0 ? 'catching_up' : 'current', eventsBehind, projectors: behind };
}

/** What /health says of itself: `catching_up` while the read models apply what they lack, else `ok`. */
export const overallStatus = (readModels: ReadModelProgress): 'ok' | 'catching_up' =>
  readModels.status === 'catching_up' ? 'catching_up' : 'ok';
