// Applies a batch of a projector's stream exactly once, whatever order, split or repetition the broker
// delivered it in. Every event carries its sequence number in the stream (1, 2, 3…, assigned by the
// relay). The checkpoint holds the last sequence applied: an event at or below it is a duplicate; the
// run of consecutive sequences after it is applied; events beyond a gap are held in the table (and
// acknowledged) until the gap fills, by a late delivery or by the relay re-publishing the missing
// range from the event log. Within the run, the per-item rule (applyEvent.ts) makes a batch retried
// after a crash half-way change nothing twice. The whole batch runs under the table's write lease.
import type { DomainEvent } from '../../events/contracts.ts';
import { parseStoredEvent } from '../../events/storedEvents.ts';
import { applyEvent, type ItemState, type StoredItem } from './applyEvent.ts';
import { applyRedrives, parkedMarker } from './applyRedrives.ts';
import { parkedEvent, type ParkedEvent } from './parkedEvent.ts';
import { keyString, keysTouched, type Checkpoint, type Projection } from './projection.ts';
import type { HeldEvent, ProjectionStore } from './projectionStore.ts';

export interface SequencedEvent {
  sequence: number;
  event: DomainEvent;
}

export interface ProjectorBatch {
  /** published events with their sequence in this projector's stream */
  events: readonly SequencedEvent[];
  /** messages that are not valid events, or carry no sequence: parked */
  undecodable: readonly ParkedEvent[];
  /** parked events sent back through the queue after a fix (the redrive rule) */
  redrives?: readonly DomainEvent[];
  /** redriven messages that still do not parse */
  undecodableRedrives?: readonly ParkedEvent[];
}

export interface BatchResult {
  /** events of the stream that moved the checkpoint (an item that had one already is not changed) */
  applied: number;
  /** at or below the checkpoint, or twice in the batch */
  duplicates: number;
  /** events of this batch held beyond a gap (some may have been held already) */
  held: number;
  parked: ParkedEvent[];
  redriven: number;
  /** redriven events that were already applied before */
  alreadyRedriven: number;
  checkpoint: Checkpoint;
}

export interface BatchDependencies {
  /** sends parked events to the dead-letter queue; must succeed before the checkpoint moves */
  park: (parked: readonly ParkedEvent[]) => Promise<void>;
  now: Date;
}

/**
 * Events applied per round of reads and writes. A run longer than that (a long gap filling at once)
 * saves its progress after each round, so a retry after the deadline goes on from there.
 */
const RUN_CHUNK = 1_000;

const emptyCheckpoint = (now: string): Checkpoint => ({
  sequence: 0,
  position: 0,
  occurredAt: '',
  appliedAt: now,
  parkedCount: 0,
  heldCount: 0,
  updatedAt: now,
});

/** A held event whose body no longer parses (its schema changed meanwhile): parked, not retried. */
class Unusable {
  constructor(readonly parked: ParkedEvent) {}
}

function fromHeld(held: HeldEvent): DomainEvent | Unusable {
  let json: unknown;
  try {
    json = JSON.parse(held.body);
  } catch {
    return new Unusable({ body: held.body, error: 'a held event is not JSON' });
  }
  const parsed = parseStoredEvent(json);
  if (parsed.success) return parsed.data;
  return new Unusable({ body: held.body, error: `a held event no longer parses: ${parsed.error.message}` });
}

export async function applyBatch<Item extends object>(
  store: ProjectionStore,
  projection: Projection<Item>,
  batch: ProjectorBatch,
  dependencies: BatchDependencies,
): Promise<BatchResult> {
  const previous = await store.acquire();
  try {
    return await applyUnderLease(store, projection, batch, dependencies, previous);
  } catch (error) {
    await store.release();
    throw error;
  }
}

async function applyUnderLease<Item extends object>(
  store: ProjectionStore,
  projection: Projection<Item>,
  batch: ProjectorBatch,
  { park, now }: BatchDependencies,
  previous: Checkpoint | undefined,
): Promise<BatchResult> {
  const at = now.toISOString();
  const checkpoint: Checkpoint = { ...emptyCheckpoint(at), ...previous, updatedAt: at };
  const start = checkpoint.sequence;

  const arrived = new Map<number, DomainEvent | Unusable>();
  let duplicates = 0;
  for (const { sequence, event } of batch.events) {
    if (sequence <= start || arrived.has(sequence)) duplicates++;
    else arrived.set(sequence, event);
  }
  const fromThisBatch = new Set(arrived.keys());

  const state: ItemState = new Map();
  const parked: ParkedEvent[] = [];
  let applied = 0;
  // Held events are read only when the run reaches them: at the start of a batch they lie beyond a
  // gap (a run that reached them would have applied them), unless one was held right after the
  // checkpoint by a batch that failed before it could say so (then `heldFrom` is the next number).
  let heldUnread = checkpoint.heldCount > 0;

  const nextChunk = async () => {
    const chunk: [number, DomainEvent | Unusable][] = [];
    let next = checkpoint.sequence + 1;
    while (chunk.length < RUN_CHUNK) {
      if (!arrived.has(next) && heldUnread && (next > start + 1 || checkpoint.heldFrom === next)) {
        const page = await store.readHeld(next, RUN_CHUNK);
        for (const held of page) if (!arrived.has(held.sequence)) arrived.set(held.sequence, fromHeld(held));
        heldUnread = page.length === RUN_CHUNK;
      }
      const event = arrived.get(next);
      if (!event) break;
      chunk.push([next, event]);
      next++;
    }
    return chunk;
  };

  /** Applies the run after the checkpoint, a chunk at a time; a long run saves its progress. */
  const applyRun = async () => {
    for (let chunk = await nextChunk(), first = true; chunk.length > 0; chunk = await nextChunk()) {
      if (!first) await store.save(checkpoint);
      first = false;
      const events = chunk.flatMap(([, event]) => (event instanceof Unusable ? [] : [event]));
      const wanted = events
        .flatMap((event) => keysTouched(projection, event))
        .filter((key) => !state.has(keyString(key)));
      for (const [id, item] of await store.readItems(wanted)) state.set(id, item);
      const changed = new Map<string, StoredItem>();
      const poisoned: ParkedEvent[] = [];
      for (const [sequence, event] of chunk) {
        if (event instanceof Unusable) poisoned.push(event.parked);
        else {
          const result = applyEvent(projection, state, event);
          if (result.outcome === 'poison') {
            poisoned.push(parkedEvent(event, result.error));
            // its items never saw it: a redrive after a fix may apply it (applyRedrives.ts)
            const marker = parkedMarker(event.position, store.partition);
            changed.set(keyString(marker), marker);
          } else applied++;
          if (result.outcome === 'applied')
            for (const item of result.changed) changed.set(keyString(item), item);
          checkpoint.position = event.position;
          checkpoint.occurredAt = event.occurredAt;
        }
        checkpoint.sequence = sequence;
        checkpoint.appliedAt = at;
      }
      // parked before the checkpoint can move past them
      if (poisoned.length > 0) await park(poisoned);
      parked.push(...poisoned);
      await store.write([...changed.values()], []);
    }
  };

  if (batch.undecodable.length > 0) await park(batch.undecodable);
  parked.push(...batch.undecodable);
  const hadHeld = checkpoint.heldCount > 0;
  await applyRun();
  const hold: HeldEvent[] = [...fromThisBatch]
    .filter((sequence) => sequence > checkpoint.sequence)
    .map((sequence) => ({ sequence, body: JSON.stringify(arrived.get(sequence)) }));
  await store.write([], hold);
  if (hadHeld || hold.length > 0) {
    let held = await store.heldAbove(checkpoint.sequence);
    if (held.first === checkpoint.sequence + 1) {
      // held after the checkpoint by a batch that failed half-way: the run goes on through it
      checkpoint.heldFrom = held.first;
      heldUnread = true;
      await applyRun();
      held = await store.heldAbove(checkpoint.sequence);
    }
    checkpoint.heldCount = held.count;
    checkpoint.heldFrom = held.first;
    // waiting since the projector first held something beyond the gap it is at now
    const sameGap = checkpoint.sequence === start && previous?.waitingSince !== undefined;
    checkpoint.waitingSince = held.count === 0 ? undefined : sameGap ? previous.waitingSince : at;
  }

  const redrive = await applyRedrives(
    store,
    projection,
    state,
    batch.redrives ?? [],
    batch.undecodableRedrives,
  );
  if (redrive.parked.length > 0) await park(redrive.parked);
  parked.push(...redrive.parked);
  await store.write(redrive.changed, [], redrive.settledMarkers);
  // every redriven message left the dead-letter queue; those parked again came back to it
  checkpoint.parkedCount = Math.max(0, checkpoint.parkedCount + parked.length - redrive.settled);

  const { heldFrom, waitingSince, ...always } = checkpoint;
  const next: Checkpoint = {
    ...always,
    ...(heldFrom === undefined ? {} : { heldFrom }),
    ...(waitingSince === undefined ? {} : { waitingSince }),
  };
  await store.commit(next);
  if (hadHeld && checkpoint.sequence > start) await store.dropHeld(checkpoint.sequence);
  return {
    applied,
    duplicates,
    held: hold.length,
    parked,
    redriven: redrive.redriven,
    alreadyRedriven: redrive.alreadyApplied,
    checkpoint: next,
  };
}
