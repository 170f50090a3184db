import { describe, expect, it } from 'vitest';
import { addCount, copyCounts, countsBetween, totalsOf, type Counts } from './wireCounts.ts';

describe('countsBetween', () => {
  it('is what moved since the copy, per unit, leaving out what did not', () => {
    const counts: Counts = {};
    addCount(counts, 'relay', 'publishes', 2);
    addCount(counts, 'health', 'connections');
    const before = copyCounts(counts);
    addCount(counts, 'relay', 'publishes', 4);
    addCount(counts, 'commands', 'statements', 3);
    expect(countsBetween(before, counts, 2)).toEqual({
      relay: { publishes: 2 },
      commands: { statements: 1.5 },
    });
    expect(totalsOf(counts)).toEqual({ publishes: 6, connections: 1, statements: 3 });
  });
});
