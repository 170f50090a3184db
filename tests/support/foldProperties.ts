// The two properties every projection's read model relies on, as vitest cases: redelivered events
// change nothing, and events of different items may arrive in any order.
import { expect, it } from 'vitest';
import type { DomainEvent } from '../../events/contracts.ts';
import type { Projection } from '../../functions/projectors/projection.ts';
import {
  foldProjection,
  seededShuffle,
  shuffleAcrossItems,
  snapshot,
  withRedeliveries,
  type Folded,
} from './foldProjection.ts';

/**
 * `events` folded once gave `once`; `replayedAtLeast` is how many of them (plus the seed) a random
 * redelivery replays.
 */
export function itKeepsFoldProperties<Item extends object>(
  projection: Projection<Item>,
  events: readonly DomainEvent[],
  once: Folded<Item>,
  replayedAtLeast: number,
): void {
  it('gives the same items when events are delivered again, in any order', () => {
    expect(snapshot(foldProjection(projection, events, once))).toEqual(snapshot(once));
    for (const seed of [1, 2, 3]) {
      const again = seededShuffle(events, seed).slice(0, replayedAtLeast + seed);
      expect(snapshot(foldProjection(projection, again, once))).toEqual(snapshot(once));
      expect(snapshot(foldProjection(projection, withRedeliveries(events, seed)))).toEqual(snapshot(once));
    }
  });

  it('gives the same items when events of different items arrive out of order', () => {
    for (const seed of [11, 12, 13, 14, 15]) {
      const shuffled = shuffleAcrossItems(projection, events, seed);
      expect(shuffled).not.toEqual(events);
      expect(snapshot(foldProjection(projection, shuffled))).toEqual(snapshot(once));
    }
  });
}
