// What code gave in place of the environment (config.ts's configure()), laid over it: a module of
// its own, importing nothing, so that what must read a setting without config.ts's clients and
// secrets can (streams.ts's PROJECTION_PARTITIONS, which the template's variable files load).

/**
 * What was given, the process's as its environment is: a module loaded again (a test's second
 * container, after vi.resetModules) is given the same.
 */
export const given: { values: Record<string, string | undefined>; version: number } = ((
  globalThis as Record<symbol, unknown>
)[Symbol.for('cqrs-commerce.givenSettings')] ??= { values: {}, version: 0 }) as {
  values: Record<string, string | undefined>;
  version: number;
};

/** Changes whenever settings are given (or forgotten): what a cache of clients checks first. */
export const configurationVersion = () => given.version;

/** The environment with what was given laid over it: what every setting is read from. */
export const configuredEnvironment = (): NodeJS.ProcessEnv => ({ ...process.env, ...given.values });

/**
 * One setting, as configuredEnvironment() would give it, without copying the environment: for what
 * reads a setting on a hot path (streams.ts's partition count, for every event numbered or applied).
 */
export const configuredValue = (name: string): string | undefined =>
  Object.hasOwn(given.values, name) ? given.values[name] : process.env[name];
