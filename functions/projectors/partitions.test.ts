// A projection split into partitions: the relay numbers each event in the stream of every partition
// holding an item it touches, each partition applies its own items only, and together they hold the
// fold of the whole stream, whatever order the partitions run in relative to each other.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { generateEvents } from '../../events/generatedStream.ts';
import { foldProjection, seededRandom, snapshot } from '../../tests/support/foldProjection.ts';
import { memoryProjectionStore, memoryTable } from '../../tests/support/memoryProjectionStore.ts';
import type { SequencedEvent } from './applyBatch.ts';
import { subscribes, type ProjectionName } from './catalog.ts';
import { keyString, keysTouched } from './projection.ts';
import { isBookkeeping } from './projectionStore.ts';

const PARTITIONS = 4;
const events = [...generateEvents(23, 3_000)];
let modules: {
  streams: typeof import('./streams.ts');
  sequencing: typeof import('../relay/sequencing.ts');
  applyBatch: typeof import('./applyBatch.ts');
  projections: typeof import('./projections.ts');
};

beforeAll(async () => {
  // the configuration is read when first imported: with 4 partitions for every projection
  vi.stubEnv('PROJECTION_PARTITIONS', String(PARTITIONS));
  vi.resetModules();
  modules = {
    streams: await import('./streams.ts'),
    sequencing: await import('../relay/sequencing.ts'),
    applyBatch: await import('./applyBatch.ts'),
    projections: await import('./projections.ts'),
  };
});

afterAll(() => {
  vi.unstubAllEnvs();
  vi.resetModules();
});

describe('partitions', () => {
  it('places an item by its partition key alone, the same everywhere, spread over the partitions', () => {
    const { partitionOf } = modules.streams;
    expect(partitionOf({ pk: 'ORDER#1' }, 1)).toBe(0);
    const counts = [0, 0, 0, 0];
    for (let id = 1; id <= 4_000; id++) counts[partitionOf({ pk: `ORDER#${id}` }, PARTITIONS)]!++;
    for (const count of counts) expect(count).toBeGreaterThan(800);
    // fixed: an item moving partition would need its projection rebuilt
    expect(partitionOf({ pk: 'USER#1' }, PARTITIONS)).toBe(partitionOf({ pk: 'USER#1' }, PARTITIONS));
    expect(modules.streams.streamsOf('directory').map((stream) => stream.name)).toEqual([
      'directory',
      'directory.1',
      'directory.2',
      'directory.3',
    ]);
  });

  it('numbers each stream densely, with the events that touch an item of its partition', () => {
    const { numberEvents } = modules.sequencing;
    const { sequences, heads } = numberEvents(events);
    const { partitionOf, streamsOf } = modules.streams;
    for (const projection of ['invoices', 'analytics', 'directory'] as const) {
      for (const stream of streamsOf(projection)) {
        const numbers = sequences.flatMap((numbersOf) => numbersOf[stream.name] ?? []);
        expect(numbers).toEqual(Array.from({ length: numbers.length }, (_, index) => index + 1));
        expect(heads[stream.name] ?? 0).toBe(numbers.length);
        events.forEach((event, index) => {
          const touches = keysTouched(modules.projections.projections[projection], event).some(
            (key) => partitionOf(key, PARTITIONS) === stream.partition,
          );
          expect(sequences[index]![stream.name] !== undefined, `${stream.name} ${event.position}`).toBe(
            subscribes(projection, event.type) && touches,
          );
        });
      }
    }
  });

  it.each(['invoices', 'analytics', 'directory'] as const)(
    '%s: the partitions, each applying its own stream, hold the fold of the whole one',
    async (name: ProjectionName) => {
      const { numberEvents } = modules.sequencing;
      const { streamsOf, partitionView, partitionOf } = modules.streams;
      const projection = modules.projections.projections[name];
      const { sequences } = numberEvents(events);
      // one table: the read items are shared, each partition keeps its own checkpoint and held events
      const items = memoryTable().items;
      const tables = new Map(
        streamsOf(name).map((stream) => [stream.partition, { ...memoryTable(), items }]),
      );
      const pending = streamsOf(name).map((stream) => {
        const numbered: SequencedEvent[] = events.flatMap((event, index) => {
          const sequence = sequences[index]![stream.name];
          return sequence === undefined ? [] : [{ sequence, event }];
        });
        return {
          stream,
          batches: Array.from({ length: Math.ceil(numbered.length / 100) }, (_, batch) =>
            numbered.slice(batch * 100, batch * 100 + 100),
          ),
        };
      });
      // the partitions interleaved at random, each in its own order: no partition waits for another
      const random = seededRandom(5);
      const writers = new Map<string, number>();
      for (
        let left = pending.filter((p) => p.batches.length > 0);
        left.length > 0;
        left = left.filter((p) => p.batches.length > 0)
      ) {
        const { stream, batches } = left[Math.floor(random() * left.length)]!;
        const store = memoryProjectionStore(tables.get(stream.partition)!);
        const partitionStore = {
          ...store,
          partition: stream.partition,
          async write(...args: Parameters<typeof store.write>) {
            for (const item of args[0])
              if (!isBookkeeping(item)) writers.set(keyString(item), stream.partition);
            return store.write(...args);
          },
        };
        await modules.applyBatch.applyBatch(
          partitionStore,
          partitionView(projection, stream),
          { events: batches.shift()!, undecodable: [] },
          { park: async () => undefined, now: new Date() },
        );
      }
      const readItems = Object.fromEntries(
        [...items].filter(([, item]) => !isBookkeeping(item)).sort(([a], [b]) => a.localeCompare(b)),
      );
      const expected = snapshot(
        foldProjection(
          projection,
          events.filter((event) => subscribes(name, event.type)),
        ),
      );
      expect(readItems).toEqual(expected);
      // every item written by its own partition only
      for (const [key, partition] of writers) {
        expect(partitionOf({ pk: key.split('\u0000')[0]! }, PARTITIONS)).toBe(partition);
      }
    },
  );
});
