// How far a projector is behind its stream, as the relay measures it at each look for gaps
// (healGaps.ts) from the stream's head and the projector's checkpoint: measured even while the
// projector is stuck and never runs, which is when it matters.
import type { Checkpoint } from '../projectors/projection.ts';

export interface ProjectorLag {
  /** the stream: a projection's partition (streams.ts), named as its queue */
  stream: string;
  /** numbers published in the stream and not yet applied */
  eventsBehind: number;
  /**
   * how long the oldest of them has existed (since its command committed it): how stale the read
   * model is. 0 when nothing is behind. It grows while the projector stands still, whatever the
   * traffic, where the gap between the newest published and the newest applied event would not.
   */
  secondsBehind: number;
  /** events held beyond a gap, waiting for the next number (the checkpoint says) */
  heldEvents: number;
}

/** Pure: `oldestUnappliedAt` is when the event numbered `checkpoint.sequence + 1` happened. */
export function projectorLag(
  stream: string,
  head: number,
  checkpoint: Checkpoint | undefined,
  oldestUnappliedAt: Date | undefined,
  now: number,
): ProjectorLag {
  const eventsBehind = Math.max(0, head - (checkpoint?.sequence ?? 0));
  const secondsBehind =
    eventsBehind > 0 && oldestUnappliedAt ? Math.max(0, (now - oldestUnappliedAt.getTime()) / 1000) : 0;
  return { stream, eventsBehind, secondsBehind, heldEvents: checkpoint?.heldCount ?? 0 };
}
