// Numbers events in the streams that receive them: in each stream (a projection's queue, per the
// catalog) the events it receives get 1, 2, 3… in position order, with no gap. The relay numbers the
// event log once and for ever (stream_sequences), and every publication of an event, first or
// re-published, carries the same numbers; replay and the benchmark number their files the same way.
import { streamsOf } from '../projectors/catalog.ts';

/** Per stream, the last sequence number given out. */
export type StreamHeads = Record<string, number>;

/** An event's number in each stream that receives it (none: no projection subscribes to its type). */
export type StreamSequences = Record<string, number>;

/** Numbers `events` (in position order) after `heads`; returns their numbers and the new heads. */
export function numberEvents(
  events: readonly { type: string }[],
  heads: Readonly<StreamHeads> = {},
): { sequences: StreamSequences[]; heads: StreamHeads } {
  const next: StreamHeads = { ...heads };
  const sequences = events.map((event) =>
    Object.fromEntries(
      streamsOf(event.type).map((stream) => {
        next[stream] = (next[stream] ?? 0) + 1;
        return [stream, next[stream]];
      }),
    ),
  );
  return { sequences, heads: next };
}
