// Parked events sent back through the projector's queue after a fix (`npm run dlq -- redrive`), applied
// in the same batch and under the same lease as the stream's events, by the redrive rule
// (applyEvent.ts): on top of the items' current state, once per item however often they come.
import type { DomainEvent } from '../../events/contracts.ts';
import { applyEvent, type ItemState, type StoredItem } from './applyEvent.ts';
import { parkedEvent, type ParkedEvent } from './parkedEvent.ts';
import { keyString, type Projection } from './projection.ts';
import type { ProjectionStore } from './projectionStore.ts';

/**
 * Parked events sent back after a fix, applied on top of the items' current state by the redrive
 * rule (exact for the additive views: totals, invoice lines). One still poison is parked again.
 */
export async function applyRedrives<Item extends object>(
  store: Pick<ProjectionStore, 'readItems'>,
  projection: Projection<Item>,
  state: ItemState,
  events: readonly DomainEvent[],
  /** redriven messages that still do not parse: parked again as they are */
  undecodable: readonly ParkedEvent[] = [],
) {
  const parked: ParkedEvent[] = [...undecodable];
  const changed = new Map<string, StoredItem>();
  let redriven = 0;
  let alreadyApplied = 0;
  const wanted = events
    .flatMap((event) => projection.keysOf(event))
    .filter((key) => !state.has(keyString(key)));
  for (const [id, item] of await store.readItems(wanted)) state.set(id, item);
  for (const event of events) {
    const result = applyEvent(projection, state, event, 'redrive');
    if (result.outcome === 'poison') parked.push(parkedEvent(event, result.error));
    else if (result.outcome === 'alreadyApplied') alreadyApplied++;
    else {
      redriven++;
      for (const item of result.changed) changed.set(keyString(item), item);
    }
  }
  return {
    changed: [...changed.values()],
    parked,
    redriven,
    alreadyApplied,
    settled: redriven + alreadyApplied,
  };
}
