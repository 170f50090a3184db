// The sequenced batch, in memory (tests/support/memoryProjectionStore.ts has DynamoDB's contract):
// whatever order, batch split, repetition and loss the broker and Lambda deliver in, once the relay
// has re-published what is missing the table equals the in-order fold of the stream; a duplicate is
// told from a late arrival and from a gap; and a second writer is kept out by the lease.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../events/contracts.ts';
import { generateEvents } from '../../events/generatedStream.ts';
import { foldProjection, snapshot } from '../../tests/support/foldProjection.ts';
import {
  memoryProjectionStore,
  memoryTable,
  type MemoryTable,
} from '../../tests/support/memoryProjectionStore.ts';
import { numbered } from '../../tests/support/projectorBatches.ts';
import { applyBatch, type SequencedEvent } from './applyBatch.ts';
import type { ParkedEvent } from './parkedEvent.ts';
import { subscribes, type ProjectionName } from './catalog.ts';
import { projections } from './projections.ts';
import { LeaseHeldError } from './projectionStore.ts';

const streamOf = (projection: ProjectionName, count: number, seed = 7): DomainEvent[] =>
  [...generateEvents(seed, count)].filter((event) => subscribes(projection, event.type));

async function deliver(table: MemoryTable, projection: ProjectionName, batch: readonly SequencedEvent[]) {
  const parked: ParkedEvent[] = [];
  const result = await applyBatch(
    memoryProjectionStore(table),
    projections[projection],
    { events: batch, undecodable: [] },
    { park: async (events) => void parked.push(...events), now: new Date('2026-12-01T12:00:00Z') },
  );
  return { ...result, parkedEvents: parked };
}

/** What the relay does for a gap: re-publish from the checkpoint up to the first held event. */
async function healUntilComplete(table: MemoryTable, projection: ProjectionName, stream: SequencedEvent[]) {
  for (let round = 0; (table.checkpoint?.sequence ?? 0) < stream.length; round++) {
    if (round > stream.length) throw new Error('healing does not converge');
    const from = table.checkpoint?.sequence ?? 0;
    const to = table.checkpoint?.heldFrom ? table.checkpoint.heldFrom - 1 : stream.length;
    await deliver(table, projection, stream.slice(from, to));
  }
}

const items = (table: MemoryTable) =>
  Object.fromEntries([...table.items].sort(([a], [b]) => a.localeCompare(b)));

describe.each(['invoices', 'analytics', 'directory'] as const)('%s: a stream delivered any way', (name) => {
  const events = streamOf(name, 240);
  const stream = numbered(events);
  const expected = snapshot(foldProjection(projections[name], events));

  it('in order, in one batch, gives the fold of the stream', async () => {
    const table = memoryTable();
    const result = await deliver(table, name, stream);
    expect(result).toMatchObject({ applied: stream.length, duplicates: 0, held: 0 });
    expect(items(table)).toEqual(expected);
    expect(table.checkpoint).toMatchObject({ sequence: stream.length, heldCount: 0 });
    expect(table.checkpoint!.position).toBe(events.at(-1)!.position);
  });

  it('shuffled, split, repeated and partly lost, then healed, gives the same', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.nat(stream.length - 1), { minLength: stream.length, maxLength: 3 * stream.length }),
        fc.array(fc.integer({ min: 1, max: 60 }), { minLength: 1, maxLength: 40 }),
        async (deliveries, sizes) => {
          // every index at least once unless the schedule lost it; some twice or more, any order
          const table = memoryTable();
          let at = 0;
          for (let batch = 0; at < deliveries.length; batch++) {
            const size = sizes[batch % sizes.length]!;
            await deliver(
              table,
              name,
              deliveries.slice(at, at + size).map((index) => stream[index]!),
            );
            at += size;
          }
          await healUntilComplete(table, name, stream);
          expect(items(table)).toEqual(expected);
          expect(table.checkpoint).toMatchObject({ sequence: stream.length, heldCount: 0 });
          expect(table.held.size).toBe(0);
        },
      ),
      { numRuns: 60 },
    );
  });
});

describe('telling a duplicate from a late arrival from a gap', () => {
  const events = streamOf('directory', 40);
  const stream = numbered(events);

  it('holds what comes beyond a gap, applies it when the gap fills, and skips duplicates', async () => {
    const table = memoryTable();
    const first = await deliver(table, 'directory', stream.slice(0, 10));
    expect(first).toMatchObject({ applied: 10, held: 0 });

    // 11 and 12 are missing: 13..20 wait, acknowledged, in the table
    const beyond = await deliver(table, 'directory', stream.slice(12, 20));
    expect(beyond).toMatchObject({ applied: 0, held: 8 });
    expect(table.checkpoint).toMatchObject({ sequence: 10, heldCount: 8, heldFrom: 13 });
    expect(table.checkpoint!.waitingSince).toBe('2026-12-01T12:00:00.000Z');

    // a redelivery of what was applied, and of what is held: duplicates and holds again, nothing more
    const again = await deliver(table, 'directory', [...stream.slice(5, 8), ...stream.slice(14, 16)]);
    expect(again).toMatchObject({ applied: 0, duplicates: 3, held: 2 });
    expect(table.checkpoint).toMatchObject({ sequence: 10, heldCount: 8 });

    // the late ones arrive: the run goes on through everything held
    const late = await deliver(table, 'directory', stream.slice(10, 12));
    expect(late).toMatchObject({ applied: 10, held: 0 });
    expect(table.checkpoint).toMatchObject({ sequence: 20, heldCount: 0 });
    expect(table.checkpoint!.waitingSince).toBeUndefined();
    expect(table.held.size).toBe(0);
    expect(items(table)).toEqual(snapshot(foldProjection(projections.directory, events.slice(0, 20))));
  });

  it('parks a poison event and moves past it: its number is not a gap', async () => {
    const table = memoryTable();
    const [created] = numbered(streamOf('directory', 5));
    const poison: SequencedEvent = {
      sequence: 2,
      event: { ...created!.event, type: 'todo.completed', data: { todoId: 999_999 } } as DomainEvent,
    };
    const next = { ...created!, sequence: 3 };
    const result = await deliver(table, 'directory', [next, poison, created!]);
    expect(result.parkedEvents.map((event) => event.type)).toEqual(['todo.completed']);
    expect(table.checkpoint).toMatchObject({ sequence: 3, parkedCount: 1, heldCount: 0 });
  });
});

describe('one writer at a time', () => {
  it('a second invocation while the first holds the lease fails, and its retry changes nothing twice', async () => {
    const events = streamOf('analytics', 120);
    const stream = numbered(events);
    const table = memoryTable();
    const first = memoryProjectionStore(table);
    const checkpoint = await first.acquire();
    expect(checkpoint).toBeUndefined();
    await expect(deliver(table, 'analytics', stream)).rejects.toBeInstanceOf(LeaseHeldError);
    await first.release();
    await deliver(table, 'analytics', stream.slice(0, 80));
    await deliver(table, 'analytics', stream);
    expect(items(table)).toEqual(snapshot(foldProjection(projections.analytics, events)));
  });
});
