// The PostgreSQL connection arithmetic of docs/deploying.md (PostgreSQL connections), in one place: the foundation's
// proxy takes a share of the instance's max_connections, every function through the proxy may hold
// its pool's connections in each container it is allowed to run, and the functions that connect
// directly, with RDS's reserved slots, must fit in what the proxy leaves. And the sum every function's
// reserved concurrency adds up to, which the account's concurrency quota must hold beside the part
// Lambda keeps unreserved. The tests hold the packaged template and foundation.yml to it.

/**
 * RDS for PostgreSQL's default max_connections is LEAST({DBInstanceClassMemory/9531392}, 5000)
 * (RDS User Guide, "Maximum number of database connections"). DBInstanceClassMemory is the class's
 * memory less what RDS keeps for the operating system and its own processes, so this bound, taken on
 * the class's whole memory, is an upper one: read the instance's own with `SHOW max_connections`.
 */
export const maxConnectionsAtMost = (memoryGiB: number) =>
  Math.min(Math.floor((memoryGiB * 2 ** 30) / 9_531_392), 5000);

/** The slots PostgreSQL keeps for superusers (superuser_reserved_connections; RDS's rdsadmin). */
export const SUPERUSER_RESERVED_CONNECTIONS = 3;

/** Functions of one kind: how many containers may run at once, and the pool each keeps. */
export interface ConnectionHolders {
  name: string;
  /** reserved concurrency: the most containers the function runs at once */
  containers: number;
  /** PG_POOL_MAX: the most connections each container opens */
  poolMax: number;
}

export interface ConnectionPlan {
  /** the proxy's MaxConnectionsPercent */
  proxyMaxConnectionsPercent: number;
  /** the commands and health */
  throughProxy: ConnectionHolders[];
  /** the relay, prepareBackend and republishEvents */
  direct: ConnectionHolders[];
}

const total = (holders: ConnectionHolders[]) =>
  holders.reduce((sum, { containers, poolMax }) => sum + containers * poolMax, 0);

/**
 * The plan on an instance with `maxConnections`: the proxy's limit and what may ask it for a
 * connection at once (each container's whole pool busy, or pinned), and what is left beside it.
 */
export function connectionBudget(plan: ConnectionPlan, maxConnections: number) {
  const proxyLimit = Math.floor((maxConnections * plan.proxyMaxConnectionsPercent) / 100);
  const throughProxy = total(plan.throughProxy);
  const direct = total(plan.direct) + SUPERUSER_RESERVED_CONNECTIONS;
  const besideProxy = maxConnections - proxyLimit;
  return {
    proxyLimit,
    throughProxy,
    direct,
    besideProxy,
    fits: throughProxy <= proxyLimit && direct <= besideProxy,
  };
}

/** The smallest max_connections the plan fits in (the ceiling's other side: what to check an instance for). */
export function smallestMaxConnections(plan: ConnectionPlan): number {
  for (let maxConnections = 1; maxConnections <= 5000; maxConnections++) {
    if (connectionBudget(plan, maxConnections).fits) return maxConnections;
  }
  throw new Error('no instance of RDS for PostgreSQL has room for this plan');
}

/**
 * Lambda keeps this much of an account's concurrency unreserved (for the functions without a
 * reservation): reservations may take only the rest (Lambda developer guide, "Configuring reserved
 * concurrency").
 */
export const UNRESERVED_CONCURRENCY_MINIMUM = 100;

/** The account's concurrency quota ("Concurrent executions") these reservations need. */
export const concurrencyQuotaNeeded = (reservations: readonly number[]) =>
  reservations.reduce((sum, each) => sum + each, 0) + UNRESERVED_CONCURRENCY_MINIMUM;
