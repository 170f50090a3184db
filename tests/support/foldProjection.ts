// Test helpers around the in-memory fold: seeded orders of delivery, redeliveries, snapshots.
import type { DomainEvent } from '../../events/contracts.ts';
import { seededRandom } from '../../events/generatedStream.ts';
import { keyString, keysTouched, type Projection } from '../../functions/projectors/projection.ts';
import type { Folded } from '../../infra/operate/consistency/foldProjection.ts';

export {
  foldProjection,
  type Folded,
  type StoredItem,
} from '../../infra/operate/consistency/foldProjection.ts';
export { seededRandom };

/** The folded items as a plain object sorted by key, for comparing two folds with toEqual. */
export const snapshot = <Item>(folded: Folded<Item>) =>
  Object.fromEntries([...folded.items.entries()].sort(([a], [b]) => a.localeCompare(b)));

/** A Fisher-Yates shuffle driven by a seed. */
export function seededShuffle<T>(values: readonly T[], seed: number): T[] {
  const random = seededRandom(seed);
  const shuffled = [...values];
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
  }
  return shuffled;
}

/**
 * The events in a seeded random order in which every item still sees its own events in position
 * order: events of different items are interleaved freely.
 */
export function shuffleAcrossItems(
  projection: Projection<object>,
  events: readonly DomainEvent[],
  seed: number,
): DomainEvent[] {
  const random = seededRandom(seed);
  const ordered = [...events].sort((a, b) => a.position - b.position);
  const keysOf = new Map(
    ordered.map((event) => [event, [...new Set(keysTouched(projection, event).map(keyString))]]),
  );
  const queues = new Map<string, DomainEvent[]>();
  for (const event of ordered) {
    for (const id of keysOf.get(event)!) queues.set(id, [...(queues.get(id) ?? []), event]);
  }
  const result: DomainEvent[] = [];
  let pending = ordered;
  while (pending.length > 0) {
    const ready = pending.filter((event) => keysOf.get(event)!.every((id) => queues.get(id)![0] === event));
    const next = ready[Math.floor(random() * ready.length)]!;
    for (const id of keysOf.get(next)!) queues.get(id)!.shift();
    pending = pending.filter((event) => event !== next);
    result.push(next);
  }
  return result;
}

/** The events with seeded redeliveries of already delivered events mixed in after later ones. */
export function withRedeliveries(events: readonly DomainEvent[], seed: number): DomainEvent[] {
  const random = seededRandom(seed);
  const result: DomainEvent[] = [];
  events.forEach((event, index) => {
    result.push(event);
    const copies = Math.floor(random() * 3);
    for (let i = 0; i < copies; i++) result.push(events[Math.floor(random() * (index + 1))]!);
  });
  return result;
}
