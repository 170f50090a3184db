// The `never` check of an exhaustive switch, in one place: a case left out (a new event type, a new
// item kind) fails the type check where the switch is, not at run time in a default branch.

/** Unreachable when the switch is exhaustive; reached only by a value the types did not allow. */
export function assertNever(value: never, what = 'value'): never {
  throw new Error(`unexpected ${what}: ${JSON.stringify(value)}`);
}
