// Folds events through a projection in memory, in position order, by the same per-item rule as the
// projectors (functions/projectors/applyEvent.ts): what a projection's table must hold after those
// events. The tests and the benchmark compare tables against it.
import type { DomainEvent } from '../../../events/contracts.ts';
import { applyEvent, type ItemState } from '../../../functions/projectors/applyEvent.ts';
import { keyString, type ItemKey, type Projection } from '../../../functions/projectors/projection.ts';

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
  const state: ItemState = new Map(start?.items as ItemState | undefined);
  const parked = [...(start?.parked ?? [])];
  for (const event of events) {
    if (applyEvent(projection, state, event).outcome === 'poison') parked.push(event);
  }
  const items = state as unknown as Map<string, StoredItem<Item>>;
  return { items, parked, get: (key) => items.get(keyString(key)) };
}
