// What the cost phase's counting proxies tally: per who (a database role, a broker user, a table and
// the part of the stack that called it), per what (round trips, statements, publishes…), a count.
export type Counts = Record<string, Record<string, number>>;

export function addCount(counts: Counts, who: string, what: string, by = 1): void {
  const row = (counts[who] ??= {});
  row[what] = (row[what] ?? 0) + by;
}

/** A copy, to take the difference from later. */
export const copyCounts = (counts: Counts): Counts =>
  Object.fromEntries(Object.entries(counts).map(([who, row]) => [who, { ...row }]));

/** `after` minus `before`, each divided by `per` (1: the plain difference); rows that did not move are left out. */
export function countsBetween(before: Counts, after: Counts, per = 1): Counts {
  const result: Counts = {};
  for (const [who, row] of Object.entries(after)) {
    for (const [what, count] of Object.entries(row)) {
      const moved = count - (before[who]?.[what] ?? 0);
      if (moved !== 0) addCount(result, who, what, Math.round((1000 * moved) / per) / 1000);
    }
  }
  return result;
}

/** Each `what` summed over every who. */
export function totalsOf(counts: Counts): Record<string, number> {
  const totals: Record<string, number> = {};
  for (const row of Object.values(counts)) {
    for (const [what, count] of Object.entries(row)) {
      totals[what] = Math.round(1000 * ((totals[what] ?? 0) + count)) / 1000;
    }
  }
  return totals;
}
