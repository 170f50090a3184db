// A projection's partitions, each a stream of its own. An Amazon MQ event source mapping runs one
// invocation at a time, so a projection fed by one queue applies at one invocation's pace whatever
// the load; split into partitions, it applies at that pace per partition. Every read item belongs to
// one partition, by a hash of its partition key (items that share a key, such as a user's invoices,
// stay together). The relay numbers each event in the stream of every partition holding an item it
// touches, and routes it there (the `x-sequence-<stream>` header it carries is the binding: see
// brokerTopology.ts); each partition's projector applies the event to its own items only. Each stream
// has its own dense numbers, checkpoint, lease, held events and parked markers in the projection's
// table, so nothing about one partition waits for another.
//
// A stream and the queue that carries it share a name. Partition 0's is the projection's queue's
// (`directory`), so that one partition is the stream as it always was; the others are `<queue>.<n>`
// (`directory.1`…).
import { configuredValue } from '../shared/givenSettings.ts';
import { projectionCatalog, projectionNames, type ProjectionName } from './catalog.ts';
import { partitionsSetting } from './partitionsSetting.ts';
import type { ItemKey, Projection } from './projection.ts';

export interface Stream {
  /** the stream's name, which is its queue's */
  name: string;
  projection: ProjectionName;
  partition: number;
  /** how many partitions the projection has */
  partitions: number;
}

let parsed: { setting: string | undefined; counts: Partial<Record<ProjectionName, number>> } | undefined;

/**
 * How many partitions the projection has: the catalog's, unless PROJECTION_PARTITIONS says otherwise.
 * Read from the configuration when asked (and kept while it stays the same), not at import: the
 * tools and tests that give it with configure() before they start a stack have imported this module.
 */
export function partitionCount(projection: ProjectionName): number {
  const setting = configuredValue('PROJECTION_PARTITIONS') || undefined;
  if (parsed === undefined || parsed.setting !== setting) {
    parsed = { setting, counts: setting === undefined ? {} : partitionsSetting.parse(setting) };
  }
  return parsed.counts[projection] ?? projectionCatalog[projection].partitions;
}

/** The counts in PROJECTION_PARTITIONS's format, e.g. `invoices=1,analytics=1,directory=4`. */
export const partitionCounts = (): string =>
  projectionNames.map((name) => `${name}=${partitionCount(name)}`).join(',');

export const streamName = (projection: ProjectionName, partition: number): string =>
  partition === 0
    ? projectionCatalog[projection].queue
    : `${projectionCatalog[projection].queue}.${partition}`;

/** The projection's streams, partition 0 first (`partitions`: as configured, by default). */
export function streamsOf(projection: ProjectionName, partitions = partitionCount(projection)): Stream[] {
  return Array.from({ length: partitions }, (_, partition) => ({
    name: streamName(projection, partition),
    projection,
    partition,
    partitions,
  }));
}

/** Every stream of every projection. */
export const allStreams = (): Stream[] => projectionNames.flatMap((name) => streamsOf(name));

/**
 * Every stream as the catalog alone says: what the template deploys (a deployed function has no
 * PROJECTION_PARTITIONS, so it agrees), whatever the packaging shell's environment holds.
 */
export const catalogStreams = (): Stream[] =>
  projectionNames.flatMap((name) => streamsOf(name, projectionCatalog[name].partitions));

/** The stream of this name (a queue's), if the catalog has one. */
export const streamNamed = (name: string): Stream | undefined =>
  allStreams().find((stream) => stream.name === name);

/**
 * The partition an item belongs to: FNV-1a of its partition key. Stable across versions and
 * processes: changing it would move items between partitions, like changing the count.
 */
export function partitionOf(key: Pick<ItemKey, 'pk'>, partitions: number): number {
  if (partitions === 1) return 0;
  let hash = 0x811c9dc5;
  for (let index = 0; index < key.pk.length; index++) {
    hash ^= key.pk.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash % partitions;
}

/** The projection as one stream applies it: to the items of its partition only. */
export function partitionView<Item extends object, Name extends ProjectionName, Key extends ItemKey>(
  projection: Projection<Item, Name, Key>,
  stream: Pick<Stream, 'partition' | 'partitions'>,
): Projection<Item, Name, Key> {
  if (stream.partitions === 1) return projection;
  return {
    ...projection,
    keysOf: (event) =>
      projection.keysOf(event).filter((key) => partitionOf(key, stream.partitions) === stream.partition),
  };
}

/** The AMQP header that carries an event's sequence number in one stream, and routes it there. */
export const sequenceHeader = (stream: string) => `x-sequence-${stream}`;
