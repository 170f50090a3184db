// Folds events through a projection in memory, with the per-item rule of applyBatch: an item skips an
// event at or below its stored position, every item of an event is staged from the state before the
// event, and an event whose `evolve` throws PoisonEventError is parked and changes no item. What a
// projection's table must hold after those events: the tests and the benchmark compare against it.
import type { DomainEvent } from '../../events/contracts.ts';
import {
  PoisonEventError,
  keyString,
  type ItemKey,
  type Projection,
} from '../../functions/projectors/projection.ts';

export type StoredItem<Item> = Item & { pk: string; sk: string; position: number };

export interface Folded<Item> {
  items: Map<string, StoredItem<Item>>;
  parked: DomainEvent[];
  /** the stored item at this key, if any */
  get(key: ItemKey): StoredItem<Item> | undefined;
}

export function foldProjection<Item extends object>(
  projection: Projection<Item>,
  events: readonly DomainEvent[],
  start?: Folded<Item>,
): Folded<Item> {
  const items = new Map(start?.items);
  const parked = [...(start?.parked ?? [])];
  for (const event of events) {
    try {
      const staged: [string, StoredItem<Item>][] = [];
      for (const key of projection.keysOf(event)) {
        const id = keyString(key);
        const before = items.get(id);
        if (before && before.position >= event.position) continue;
        const after = projection.evolve(before, event, key);
        staged.push([id, { ...after, pk: key.pk, sk: key.sk, position: event.position }]);
      }
      for (const [id, item] of staged) items.set(id, item);
    } catch (error) {
      if (!(error instanceof PoisonEventError)) throw error;
      parked.push(event);
    }
  }
  return { items, parked, get: (key) => items.get(keyString(key)) };
}
