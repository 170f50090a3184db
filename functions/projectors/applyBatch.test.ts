// The sequenced batch, in memory (tests/support/memoryProjectionStore.ts has DynamoDB's contract):
// whatever order, batch split, repetition and loss the broker and Lambda deliver in, once the relay
// has re-published what is missing the table equals the in-order fold of the stream; a duplicate is
// told from a late arrival and from a gap; a batch that fails at any step, and comes again or not,
// leaves nothing healing cannot mend; and a second writer is kept out by the lease.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../events/contracts.ts';
import { generateEvents } from '../../events/generatedStream.ts';
import { foldProjection, snapshot } from '../../tests/support/foldProjection.ts';
import {
  memoryProjectionStore,
  memoryTable,
  type MemoryTable,
  type StoreStep,
} from '../../tests/support/memoryProjectionStore.ts';
import { gapToHeal, newHealMemory } from '../relay/healGaps.ts';
import { numbered } from '../../tests/support/projectorBatches.ts';
import { applyBatch, type SequencedEvent } from './applyBatch.ts';
import type { ParkedEvent } from './parkedEvent.ts';
import { subscribes, type ProjectionName } from './catalog.ts';
import { projections } from './projections.ts';
import { LeaseHeldError, isBookkeeping } from './projectionStore.ts';

const streamOf = (projection: ProjectionName, count: number, seed = 7): DomainEvent[] =>
  [...generateEvents(seed, count)].filter((event) => subscribes(projection, event.type));

async function deliver(
  table: MemoryTable,
  projection: ProjectionName,
  batch: readonly SequencedEvent[],
  fails?: (step: StoreStep) => boolean,
) {
  const parked: ParkedEvent[] = [];
  const result = await applyBatch(
    memoryProjectionStore(table, { fails }),
    projections[projection],
    { events: batch, undecodable: [] },
    { park: async (events) => void parked.push(...events), now: new Date('2026-12-01T12:00:00Z') },
  );
  return { ...result, parkedEvents: parked };
}

/** What the relay does for a gap (its own decision, healGaps.ts): re-publish what is missing. */
async function healUntilComplete(table: MemoryTable, projection: ProjectionName, stream: SequencedEvent[]) {
  for (let round = 0; (table.checkpoint?.sequence ?? 0) < stream.length; round++) {
    if (round > stream.length) throw new Error('healing does not converge');
    const progress = { stream: projection, head: stream.length, checkpoint: table.checkpoint, queueDepth: 0 };
    const range = gapToHeal(progress, newHealMemory(), Date.now(), {
      healAfterMs: 0,
      limit: 100,
      force: true,
    });
    await deliver(table, projection, stream.slice(range!.from - 1, range!.to));
  }
}

/** The read items, without the projector's bookkeeping. */
const items = (table: MemoryTable) =>
  Object.fromEntries(
    [...table.items].filter(([, item]) => !isBookkeeping(item)).sort(([a], [b]) => a.localeCompare(b)),
  );

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

describe('a stream delivered with batches that fail half-way', () => {
  const events = streamOf('invoices', 200, 11);
  const stream = numbered(events);
  const expected = snapshot(foldProjection(projections.invoices, events));
  const steps: StoreStep[] = ['readItems', 'readHeld', 'heldAbove', 'write', 'save', 'commit'];

  it('ends exact once healed, whether a failed batch comes again or is lost for good', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.nat(stream.length - 1), { minLength: stream.length, maxLength: 2 * stream.length }),
        fc.array(
          fc.record({
            size: fc.integer({ min: 1, max: 40 }),
            // at which of the store's steps (and which occurrence of it) the batch fails, if it does
            failAt: fc.option(fc.record({ step: fc.constantFrom(...steps), nth: fc.nat(2) }), { freq: 2 }),
            comesAgain: fc.boolean(),
          }),
          { minLength: 1, maxLength: 30 },
        ),
        async (deliveries, batches) => {
          const table = memoryTable();
          let at = 0;
          for (let index = 0; at < deliveries.length; index++) {
            const { size, failAt, comesAgain } = batches[index % batches.length]!;
            const batch = deliveries.slice(at, at + size).map((position) => stream[position]!);
            at += size;
            let seen = 0;
            const fails = (step: StoreStep) => failAt?.step === step && seen++ === failAt?.nth;
            const failed = await deliver(table, 'invoices', batch, fails).then(
              () => false,
              () => true,
            );
            // as the event source mapping: the batch comes again, or it reached its delivery limit
            if (failed && comesAgain) await deliver(table, 'invoices', batch);
          }
          await healUntilComplete(table, 'invoices', stream);
          expect(items(table)).toEqual(expected);
          expect(table.checkpoint).toMatchObject({ sequence: stream.length, heldCount: 0 });
          expect(table.lease).toBeUndefined();
        },
      ),
      { numRuns: 80 },
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

  it('goes on through an event a failed batch held right after the checkpoint', async () => {
    const table = memoryTable();
    await deliver(table, 'directory', stream.slice(0, 3));
    // 5 is held, then the batch fails before its checkpoint, and its message is lost for good
    const failing = await deliver(table, 'directory', [stream[4]!], (step) => step === 'commit').catch(
      (error: Error) => error,
    );
    expect(failing).toBeInstanceOf(Error);
    expect(table.held.has(5)).toBe(true);
    expect(await deliver(table, 'directory', [stream[3]!])).toMatchObject({ applied: 1 });
    // 4 is applied; the next batch finds 5 held right after it, and goes on through it
    expect(await deliver(table, 'directory', [stream[5]!])).toMatchObject({ applied: 2, held: 1 });
    expect(table.checkpoint).toMatchObject({ sequence: 6, heldCount: 0 });
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
