// Numbers events in the streams that receive them: in each stream (a projection's partition, its
// queue: streams.ts) the events it receives get 1, 2, 3… in position order, with no gap. A stream
// receives the events of the types its projection subscribes to that touch an item of its partition
// (all of them when the projection has one partition). The relay numbers the event log once and for
// ever (stream_sequences), and every publication of an event, first or re-published, carries the same
// numbers; replay and the benchmark number their files the same way.
import type { DomainEvent } from '../../events/contracts.ts';
import { parseStoredEvent } from '../../events/storedEvents.ts';
import { projectionNames, subscribes, type ProjectionName } from '../projectors/catalog.ts';
import { projections } from '../projectors/projections.ts';
import { keysTouched } from '../projectors/projection.ts';
import { partitionOf, streamsOf } from '../projectors/streams.ts';

/** Per stream, the last sequence number given out. */
export type StreamHeads = Record<string, number>;

/** An event's number in each stream that receives it (none: no projection subscribes to its type). */
export type StreamSequences = Record<string, number>;

/** The event at the version the projections read (an older stored version, upcast). */
function latest(event: DomainEvent): DomainEvent {
  const parsed = parseStoredEvent(event);
  if (!parsed.success) throw new Error(`event ${event.position} does not parse: ${parsed.error.message}`);
  return parsed.data;
}

/** The streams of `projection` that receive `event`: those whose partition holds an item it touches. */
export function projectionStreamsReceiving(projection: ProjectionName, event: DomainEvent): string[] {
  if (!subscribes(projection, event.type)) return [];
  const streams = streamsOf(projection);
  if (streams.length === 1) return [streams[0]!.name];
  const touched = new Set(
    keysTouched(projections[projection], latest(event)).map((key) => partitionOf(key, streams.length)),
  );
  return streams.filter((stream) => touched.has(stream.partition)).map((stream) => stream.name);
}

/** Every stream that receives `event`. */
export const streamsReceiving = (event: DomainEvent): string[] =>
  projectionNames.flatMap((projection) => projectionStreamsReceiving(projection, event));

/**
 * Numbers `events` (in position order) after `heads`; returns their numbers and the new heads.
 * `skip`: streams not to number now (a new partition still being numbered over the log).
 */
export function numberEvents(
  events: readonly DomainEvent[],
  heads: Readonly<StreamHeads> = {},
  skip: ReadonlySet<string> = new Set(),
): { sequences: StreamSequences[]; heads: StreamHeads } {
  const next: StreamHeads = { ...heads };
  const sequences = events.map((event) =>
    Object.fromEntries(
      streamsReceiving(event)
        .filter((stream) => !skip.has(stream))
        .map((stream) => {
          next[stream] = (next[stream] ?? 0) + 1;
          return [stream, next[stream]];
        }),
    ),
  );
  return { sequences, heads: next };
}
