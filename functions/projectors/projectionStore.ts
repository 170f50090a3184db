// Where a projection lives: its read items, its checkpoint, and the events it holds beyond a gap, all
// in its one DynamoDB table (dynamoProjectionStore.ts). applyBatch works through this interface, so
// the same algorithm runs against DynamoDB and against a Map in the property tests
// (tests/support/memoryProjectionStore.ts).
//
// One writer at a time, by lease. Items are written 25 to a request without conditions
// (BatchWriteItem has none): one writer is what makes that exact. Before it reads anything, a writer
// takes the table's lease on the checkpoint item, on condition that nobody else holds an unexpired
// one; it writes nothing after its own deadline (the Lambda's timeout) and the lease outlives that
// deadline by a margin, so a second invocation (duplicate processing, a redeploy's second event source
// mapping, a retry beside a timed-out one) fails and comes again instead of interleaving its writes.
// The checkpoint is written last, on condition that the lease is still ours. A writer names itself
// with a token: a container passes the same one to each of its invocations (one at a time), so it
// takes back at once a lease it could not give up (DynamoDB was unreachable). Decision 0014 has
// the measurements against per-item conditional writes and transactions.
import type { ItemState, StoredItem } from './applyEvent.ts';
import type { Checkpoint, ItemKey } from './projection.ts';

/** An event beyond a gap in its stream, kept (and acknowledged) until the gap fills. */
export interface HeldEvent {
  sequence: number;
  /** the event's JSON, as published */
  body: string;
}

export interface HeldSummary {
  count: number;
  /** the lowest held sequence */
  first?: number;
}

export interface ProjectionStore {
  /** the partition of the projection whose stream this store keeps (its checkpoint, held events, markers) */
  readonly partition: number;
  /** Takes the write lease and reads the checkpoint; throws LeaseHeldError if another writer holds it. */
  acquire(): Promise<Checkpoint | undefined>;
  readItems(keys: readonly ItemKey[]): Promise<ItemState>;
  /** Held events from `from` upward, in sequence order, at most `limit`. */
  readHeld(from: number, limit: number): Promise<HeldEvent[]>;
  /** How many events are held above `after`, and the lowest of them. */
  heldAbove(after: number): Promise<HeldSummary>;
  /** Writes changed items (and bookkeeping items), events to hold, and deletes what is settled. */
  write(
    items: readonly StoredItem[],
    hold: readonly HeldEvent[],
    deletes?: readonly ItemKey[],
  ): Promise<void>;
  /** Writes the checkpoint, keeping the lease: the progress of a long run. */
  save(checkpoint: Checkpoint): Promise<void>;
  /** Writes the checkpoint and gives the lease up, on condition that the lease is still ours. */
  commit(checkpoint: Checkpoint): Promise<void>;
  /** Forgets held events at or below `upTo` (applied now); after commit, so only ever garbage. */
  dropHeld(upTo: number): Promise<void>;
  /** Gives the lease up without moving the checkpoint (the batch failed). Never throws. */
  release(): Promise<void>;
}

/** Another invocation is writing this projection: the batch fails and comes again. */
export class LeaseHeldError extends Error {
  override readonly name = 'LeaseHeldError';
}

/** How long a lease outlives its holder's deadline: covers a write sent just before the deadline. */
export const LEASE_MARGIN_MS = 15_000;

/** Where a stream keeps the events it holds beyond a gap (partition 0: the key it always had). */
export const heldPartition = (partition = 0) => (partition === 0 ? 'HELD' : `HELD#${partition}`);
/** Where a stream keeps the markers of the events it parked as poison (applyRedrives.ts). */
export const parkedPartition = (partition = 0) => (partition === 0 ? 'PARKED' : `PARKED#${partition}`);

/** The checkpoints, held events and parked markers are the projectors' bookkeeping, not read items. */
export const isBookkeeping = (item: { pk?: unknown }) =>
  /^(CHECKPOINT|HELD|PARKED)(#\d+)?$/.test(String(item.pk));
