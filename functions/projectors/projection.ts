// What a projection is: which read items an event touches, and a pure `evolve` per item.
import type { DomainEvent } from '../../events/contracts.ts';
import type { ProjectorName } from '../../infra/rabbitmq/topology.ts';

export interface ItemKey {
  pk: string;
  sk: string;
}

/** Every stored read item carries the position of the last event applied to it. */
export interface Positioned {
  position: number;
}

export interface Projection<Item extends object = object> {
  name: ProjectorName;
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

export const CHECKPOINT_KEY: ItemKey = { pk: 'CHECKPOINT', sk: 'CHECKPOINT' };

/** The projector's progress, stored in its own table. */
export interface Checkpoint extends Positioned {
  occurredAt: string;
  /** distinct events applied (or parked) so far: the event log's count for this projector minus this is the backlog */
  eventCount: number;
  parkedCount: number;
  updatedAt: string;
}

export const keyString = (key: ItemKey) => `${key.pk}\u0000${key.sk}`;
