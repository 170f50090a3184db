// What a projection is: which read items an event touches, and a pure `evolve` per item. The event
// types it handles are its subscriptions in the catalog (catalog.ts), written there once: `keysOf` and
// `evolve` take only those events, so a switch over them with a `never` check (assertNever) fails the
// type check when the catalog and the projection disagree, either way.
import type { DomainEvent, EventType } from '../../events/contracts.ts';
import { subscribes, type ProjectionName, type Subscription } from './catalog.ts';

export interface ItemKey {
  pk: string;
  sk: string;
}

/** Every stored read item carries the position of the last event applied to it. */
export interface Positioned {
  position: number;
}

type EventsByType = { [Event in DomainEvent as Event['type']]: Event };
/** The events of these types. (Looked up, not `Extract`ed: a projection of fewer events is then a `Projection` of more.) */
export type EventOf<Type extends EventType> = EventsByType[Type];

/** The events the projection of this name subscribes to (the catalog's `eventTypes`). */
export type SubscribedEvent<Name extends ProjectionName> = EventOf<Subscription<Name>>;

/**
 * A projection: `Item` is the union of its item types, `Key` its keys (which may carry the kind of
 * item stored at them: the stored item format has no field for it). The methods take only the
 * events it subscribes to; the code that applies any projection asks `keysTouched`, which checks the
 * subscription first. (Method syntax, so that every projection is also a `Projection` of any item
 * and event for that code, without casts.)
 */
export interface Projection<
  Item extends object = object,
  Name extends ProjectionName = ProjectionName,
  Key extends ItemKey = ItemKey,
> {
  name: Name;
  /** The items this event changes. */
  keysOf(event: SubscribedEvent<Name>): Key[];
  /**
   * The item after the event, from the item before it (undefined if none yet). Pure. Throws
   * PoisonEventError for an event that can never apply.
   */
  evolve(current: Item | undefined, event: SubscribedEvent<Name>, key: Key): Item;
}

/** Does the projection subscribe to this event (emmett's canHandle)? */
export const canHandle = <Name extends ProjectionName>(
  projection: Pick<Projection<object, Name>, 'name'>,
  event: DomainEvent,
): event is SubscribedEvent<Name> => subscribes(projection.name, event.type);

/** The items this event changes: none for an event the projection does not subscribe to. */
export const keysTouched = <Key extends ItemKey>(
  projection: Projection<object, ProjectionName, Key>,
  event: DomainEvent,
): Key[] => (canHandle(projection, event) ? projection.keysOf(event) : []);

/** A key that also names the kind of item stored at it (its pk and sk alone are stored). */
export type KindKey<Kind extends string = string> = ItemKey & { kind: Kind };

/** One `evolve` per item kind, each given and giving the item of its kind only. */
export type EvolveByKind<
  Items extends { [Kind in keyof Items]: object },
  Name extends ProjectionName,
  Key extends KindKey<keyof Items & string>,
> = {
  [Kind in keyof Items & string]: (
    current: Items[Kind] | undefined,
    event: SubscribedEvent<Name>,
    key: Extract<Key, { kind: Kind }>,
  ) => Items[Kind];
};

/**
 * A projection whose items come in kinds (`Items`: kind → item type), each with an evolve of its own,
 * called for the keys of its kind. The item at a key of a kind is of that kind, since evolve made it
 * for that key: the one place that is taken on trust, since the stored item has no field for its
 * kind (and its format stays as it is).
 */
export function projectionByKind<
  Items extends { [Kind in keyof Items]: object },
  Name extends ProjectionName,
  Key extends KindKey<keyof Items & string>,
>(definition: {
  name: Name;
  keysOf(event: SubscribedEvent<Name>): Key[];
  evolve: EvolveByKind<Items, Name, Key>;
}): Projection<Items[keyof Items], Name, Key> {
  return {
    name: definition.name,
    keysOf: (event) => definition.keysOf(event),
    evolve: (current, event, key) => definition.evolve[key.kind](current as never, event, key as never),
  };
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
 * projectors have got may read these items of a table and no other (infra/deploy/projectorFunctions.ts).
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
