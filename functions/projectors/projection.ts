// What a projection is: which read items an event touches, and a pure `evolve` per item.
import type { DomainEvent } from '../../events/contracts.ts';
import type { ProjectionName } from './catalog.ts';

export interface ItemKey {
  pk: string;
  sk: string;
}

/** Every stored read item carries the position of the last event applied to it. */
export interface Positioned {
  position: number;
}

export interface Projection<Item extends object = object> {
  name: ProjectionName;
  /** The items this event changes; an empty list for an event this projection ignores. */
  keysOf(event: DomainEvent): ItemKey[];
  /**
   * The item after the event, from the item before it (undefined if none yet). Pure. Throws
   * PoisonEventError for an event that can never apply.
   */
  evolve(current: Item | undefined, event: DomainEvent, key: ItemKey): Item;
}

/** An event that fails its schema or breaks an invariant: parked, never retried on its own. */
export class PoisonEventError extends Error {
  override readonly name = 'PoisonEventError';
}

/**
 * The checkpoint of a stream of the projection (streams.ts), in the projection's table: partition 0's
 * has the key a projection of one partition always had; each other partition's its own partition key,
 * so that no key takes the writes of several streams.
 */
export const checkpointKey = (partition = 0): ItemKey => ({
  pk: partition === 0 ? 'CHECKPOINT' : `CHECKPOINT#${partition}`,
  sk: 'CHECKPOINT',
});

/**
 * Every checkpoint's partition key, as IAM's StringLike patterns: the roles that read how far the
 * projectors have got may read these items of a table and no other (infra/aws/projectorFunctions.ts).
 * No other item's partition key starts with CHECKPOINT.
 */
export const CHECKPOINT_KEY_PATTERNS = ['CHECKPOINT', 'CHECKPOINT#*'] as const;

/**
 * The projector's progress in its stream, stored in its own table. Every event numbered up to
 * `sequence` is applied (or parked); events beyond a gap are held until it fills.
 */
export interface Checkpoint {
  /** the last sequence applied: `eventsBehind` is the stream's head minus this */
  sequence: number;
  /** the position of that event: a query's X-Min-Position waits for it */
  position: number;
  /** when that event happened */
  occurredAt: string;
  /** when `sequence` last moved */
  appliedAt: string;
  parkedCount: number;
  /** events held beyond a gap, and the lowest of them */
  heldCount: number;
  heldFrom?: number;
  /** since when events have been held, waiting for `sequence + 1` */
  waitingSince?: string;
  updatedAt: string;
}

export const keyString = (key: ItemKey) => `${key.pk}\u0000${key.sk}`;
