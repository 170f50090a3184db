// The per-item rule, written once: how one event changes the read items it touches. The projector's
// batches, redrives, rebuilds and the in-memory fold the tests and the benchmark compare with all
// apply events through this function; they differ only in where events come from and where items go.
import type { DomainEvent } from '../../events/contracts.ts';
import { PoisonEventError, keyString, keysTouched, type ItemKey, type Projection } from './projection.ts';

/** A read item as stored: its fields, its key, and the position of the last event applied to it. */
export type StoredItem = Record<string, unknown> &
  ItemKey & {
    position: number;
    /** positions of parked events redriven into it (redrive rule) */
    redriven?: number[];
  };

/** Items by keyString: what the rule reads and changes. */
export type ItemState = Map<string, StoredItem>;

/**
 * `inOrder`: events arrive in position order per item, so an item whose position has reached the
 * event's has it already (a redelivery, a batch retried after a crash half-way).
 * `redrive`: a parked event applied after the fact, older than what its items have seen since; each
 * item remembers the positions redriven into it, so a repeated redrive changes nothing twice.
 */
export type ApplyRule = 'inOrder' | 'redrive';

export type EventOutcome =
  | { outcome: 'applied'; changed: StoredItem[] }
  | { outcome: 'alreadyApplied' }
  | { outcome: 'poison'; error: PoisonEventError };

/**
 * Applies `event` to the items it touches in `state`, which it updates. Every item is computed from
 * the state before the event, and a poison event (its `evolve` throws PoisonEventError) changes none.
 * Any other error is a bug or an outage, and is thrown.
 */
export function applyEvent<Item extends object>(
  projection: Projection<Item>,
  state: ItemState,
  event: DomainEvent,
  rule: ApplyRule = 'inOrder',
): EventOutcome {
  const keys = keysTouched(projection, event);
  const staged: StoredItem[] = [];
  try {
    for (const key of keys) {
      const before = state.get(keyString(key));
      if (
        rule === 'inOrder'
          ? (before?.position ?? 0) >= event.position
          : before?.redriven?.includes(event.position)
      )
        continue;
      const after = projection.evolve(before as Item | undefined, event, key);
      staged.push({
        ...after,
        pk: key.pk,
        sk: key.sk,
        position: rule === 'inOrder' ? event.position : Math.max(before?.position ?? 0, event.position),
        ...(rule === 'redrive' && { redriven: [...(before?.redriven ?? []), event.position] }),
      } as StoredItem);
    }
  } catch (error) {
    if (error instanceof PoisonEventError) return { outcome: 'poison', error };
    throw error;
  }
  if (keys.length > 0 && staged.length === 0) return { outcome: 'alreadyApplied' };
  for (const item of staged) state.set(keyString(item), item);
  return { outcome: 'applied', changed: staged };
}
