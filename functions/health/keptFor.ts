// A check's result kept for a while in the container: callers within that time, and those that arrive
// while it runs, get the same answer, so that a flood of calls costs one check per interval.

/**
 * `check`, run at most once every `ms` milliseconds (counted from when it finished). A check that
 * fails is not kept: the next call tries again.
 */
export function keptFor<T>(ms: number, check: () => Promise<T>, now = () => Date.now()): () => Promise<T> {
  let kept: { result: Promise<T>; until: number } | undefined;
  return () => {
    if (kept && now() < kept.until) return kept.result;
    const entry = { result: check(), until: Number.POSITIVE_INFINITY };
    kept = entry;
    entry.result.then(
      () => {
        entry.until = now() + ms;
      },
      () => {
        if (kept === entry) kept = undefined;
      },
    );
    return entry.result;
  };
}
