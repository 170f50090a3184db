// Applies a batch of a projector's stream exactly once, whatever order, split or repetition the broker
// delivered it in. Every event carries its sequence number in the stream (1, 2, 3…, assigned by the
// relay). The checkpoint holds the last sequence applied: an event at or below it is a duplicate; the
// run of consecutive sequences after it is applied; events beyond a gap are held in the table (and
// acknowledged) until the gap fills, by a late delivery or by the relay re-publishing the missing
// range from the event log. Within the run, the per-item rule (applyEvent.ts) makes a batch retried
// after a crash half-way change nothing twice. The whole batch runs under the table's write lease.
import type { DomainEvent } from '../../events/contracts.ts';
import { parseStoredEvent } from '../../events/storedEvents.ts';
import { applyEvent, type StoredItem } from './applyEvent.ts';
import { applyRedrives } from './applyRedrives.ts';
import { parkedEvent, type ParkedEvent } from './parkedEvent.ts';
import { keyString, type Checkpoint, type Projection } from './projection.ts';
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
  applied: number;
  /** at or below the checkpoint, or twice in the batch */
  duplicates: number;
  /** newly held beyond a gap */
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

/** Events applied per round of reads and writes: bounds memory when a long gap fills at once. */
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

  const state = new Map<string, StoredItem>();
  const parked: ParkedEvent[] = [...batch.undecodable];
  let applied = 0;
  // Held events are read only once the run is under way: at the start of a batch they all lie
  // beyond a gap (a run that reached them would have applied them).
  let heldReadUpTo = checkpoint.heldCount > 0 ? start : Infinity;

  const nextChunk = async () => {
    const chunk: [number, DomainEvent | Unusable][] = [];
    let next = checkpoint.sequence + 1;
    while (chunk.length < RUN_CHUNK) {
      if (!arrived.has(next) && next > heldReadUpTo && next > start + 1) {
        const page = await store.readHeld(next, RUN_CHUNK);
        for (const held of page) if (!arrived.has(held.sequence)) arrived.set(held.sequence, fromHeld(held));
        heldReadUpTo = page.length < RUN_CHUNK ? Infinity : page.at(-1)!.sequence;
      }
      const event = arrived.get(next);
      if (!event) break;
      chunk.push([next, event]);
      next++;
    }
    return chunk;
  };

  for (let chunk = await nextChunk(); chunk.length > 0; chunk = await nextChunk()) {
    const events = chunk.flatMap(([, event]) => (event instanceof Unusable ? [] : [event]));
    const wanted = events
      .flatMap((event) => projection.keysOf(event))
      .filter((key) => !state.has(keyString(key)));
    for (const [id, item] of await store.readItems(wanted)) state.set(id, item);
    const changed = new Map<string, StoredItem>();
    for (const [sequence, event] of chunk) {
      if (event instanceof Unusable) {
        parked.push(event.parked);
      } else {
        const result = applyEvent(projection, state, event);
        if (result.outcome === 'poison') parked.push(parkedEvent(event, result.error));
        else applied++;
        if (result.outcome === 'applied')
          for (const item of result.changed) changed.set(keyString(item), item);
        checkpoint.position = event.position;
        checkpoint.occurredAt = event.occurredAt;
      }
      checkpoint.sequence = sequence;
      checkpoint.appliedAt = at;
    }
    await store.write([...changed.values()], []);
  }

  const hold: HeldEvent[] = [...fromThisBatch]
    .filter((sequence) => sequence > checkpoint.sequence)
    .map((sequence) => ({ sequence, body: JSON.stringify(arrived.get(sequence)) }));

  const redrive = await applyRedrives(
    store,
    projection,
    state,
    batch.redrives ?? [],
    batch.undecodableRedrives,
  );
  parked.push(...redrive.parked);
  await store.write(redrive.changed, hold);
  if (parked.length > 0) await park(parked);

  const hadHeld = checkpoint.heldCount > 0;
  if (hadHeld || hold.length > 0) {
    const held = await store.heldAbove(checkpoint.sequence);
    checkpoint.heldCount = held.count;
    checkpoint.heldFrom = held.first;
    checkpoint.waitingSince = held.count > 0 ? (checkpoint.waitingSince ?? at) : undefined;
  }
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
