// Parked events sent back through the projector's queue after a fix (`npm run dlq -- redrive`),
// applied in the same batch and under the same lease as the stream's events. Only an event this
// projection parked as poison is applied: the batch that parked it left a marker (PARKED, its
// position), since its items never saw it. Anything else in the dead-letter queue (a message without
// a number, say) reached the items another way, by healing, and is settled without applying it. An
// applied event goes on top of the items' current state by the redrive rule (applyEvent.ts; exact for
// the additive views: totals, invoice lines), once per item however often it comes; one still poison
// is parked again.
import type { DomainEvent } from '../../events/contracts.ts';
import { applyEvent, type ItemState, type StoredItem } from './applyEvent.ts';
import { parkedEvent, type ParkedEvent } from './parkedEvent.ts';
import { keyString, keysTouched, type ItemKey, type Projection } from './projection.ts';
import { parkedPartition, type ProjectionStore } from './projectionStore.ts';

/** The marker of an event a stream of this projection parked as poison (bookkeeping, not a read item). */
export const parkedMarker = (position: number, partition = 0): StoredItem => ({
  pk: parkedPartition(partition),
  sk: String(position).padStart(20, '0'),
  position,
});

export async function applyRedrives<Item extends object>(
  store: Pick<ProjectionStore, 'readItems' | 'partition'>,
  projection: Projection<Item>,
  state: ItemState,
  events: readonly DomainEvent[],
  /** redriven messages that still do not parse: parked again as they are */
  undecodable: readonly ParkedEvent[] = [],
) {
  const parked: ParkedEvent[] = [...undecodable];
  const changed = new Map<string, StoredItem>();
  const settledMarkers: ItemKey[] = [];
  let redriven = 0;
  let alreadyApplied = 0;
  const markers = events.map((event) => parkedMarker(event.position, store.partition));
  const wanted = [...events.flatMap((event) => keysTouched(projection, event)), ...markers].filter(
    (key) => !state.has(keyString(key)),
  );
  for (const [id, item] of await store.readItems(wanted)) state.set(id, item);
  events.forEach((event, index) => {
    const marker = markers[index]!;
    if (!state.has(keyString(marker))) {
      alreadyApplied++;
      return;
    }
    const result = applyEvent(projection, state, event, 'redrive');
    if (result.outcome === 'poison') {
      parked.push(parkedEvent(event, result.error));
      return;
    }
    if (result.outcome === 'applied') {
      redriven++;
      for (const item of result.changed) changed.set(keyString(item), item);
    } else alreadyApplied++;
    state.delete(keyString(marker));
    settledMarkers.push(marker);
  });
  return {
    changed: [...changed.values()],
    settledMarkers,
    parked,
    redriven,
    alreadyApplied,
    settled: redriven + alreadyApplied,
  };
}
