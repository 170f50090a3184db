// `npm run dev`'s DynamoDB and SQS. By default a store that outlives `npm run dev` (store/
// storeDaemon.ts: dynalite in memory and sqslite, one per database and prefix) keeps the read models,
// their checkpoints and the parked events from one run to the next; what it kept is checked first and
// what cannot be trusted is dropped, to be rebuilt from the event log (store/keptReadModels.ts).
// LOCAL_STORE=foreground runs them as a child of `npm run dev` instead, gone at its stop (the tests
// and the benchmark, whose stacks start empty and must leave nothing behind); endpoints given
// (LocalStack) are used as they are.
import pg from 'pg';
import { configure } from '../../functions/shared/config.ts';
import { createReadModelResources, startLocalAws } from './localAws.ts';
import { requireFreePorts, UnreachableDependencyError } from './preflight.ts';
import {
  changedSince,
  currentMarker,
  dropWhatCannotBeKept,
  eventLogIdentity,
  sameEventLog,
  type Marker,
} from './store/keptReadModels.ts';
import {
  findStore,
  readStoreMarker,
  startStore,
  stopStore,
  storeHolding,
  withStartLock,
  writeStoreMarker,
  type FoundStore,
} from './store/localStore.ts';
import { databaseOf, stateFile, type StoreState } from './store/storeState.ts';

export interface ReadSideOptions {
  projectRoot: string;
  databaseUrl: string;
  prefix: string;
  region: string;
  dynamoDbEndpoint: string | undefined;
  sqsEndpoint: string | undefined;
  dynamoDbPort: number;
  sqsPort: number;
  /** dynalite's folder (DYNALITE_PATH); in memory when absent */
  dynamoDbPath: string | undefined;
  /** stop the stack's store first, and start an empty one */
  fresh: boolean;
  /** the store stops when this process ends (LOCAL_STORE_EXIT_WITH: the tests' safety net) */
  exitWith: number | undefined;
  log: (message: string) => void;
}

export interface ReadSide {
  dynamoDbEndpoint: string;
  sqsEndpoint: string;
  /** the store outlives this run: what to say about it at the stop */
  store?: StoreState;
  stop(): Promise<void>;
}

export type StoreMode = 'background' | 'foreground';

export function storeMode(env: NodeJS.ProcessEnv): StoreMode {
  const mode = env.LOCAL_STORE || 'background';
  if (mode !== 'background' && mode !== 'foreground')
    throw new UnreachableDependencyError(`LOCAL_STORE: background or foreground, not ${mode}`);
  return mode;
}

/**
 * From here on this process's own DynamoDB and SQS clients (functions/shared/aws.ts, which the
 * checks and the catch-up use) point at the local ones, which did not exist when it started. (The
 * functions get them in their environment: start.ts.)
 */
function pointAt(endpoints: { dynamoDbEndpoint: string; sqsEndpoint: string }) {
  configure({ DYNAMODB_ENDPOINT: endpoints.dynamoDbEndpoint, SQS_ENDPOINT: endpoints.sqsEndpoint });
}

export async function startReadSide(options: ReadSideOptions, env: NodeJS.ProcessEnv): Promise<ReadSide> {
  const mode = storeMode(env);
  if (options.dynamoDbEndpoint || mode === 'foreground') {
    const aws = await startLocalAws({
      dynamoDbEndpoint: options.dynamoDbEndpoint,
      sqsEndpoint: options.sqsEndpoint,
      dynamoDbPath: options.dynamoDbPath,
      dynamoDbPort: options.dynamoDbPort,
      sqsPort: options.sqsPort,
      region: options.region,
    });
    pointAt(aws);
    await createReadModelResources(options.prefix, aws, options.region);
    return aws;
  }
  const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 2 });
  try {
    const identity = await eventLogIdentity(pool);
    const store = await openStore(options, identity);
    const endpoints = {
      dynamoDbEndpoint: `http://127.0.0.1:${store.state.dynamoDbPort}`,
      // sqslite builds queue URLs from the Host header and wants `localhost` (architecture.md)
      sqsEndpoint: `http://localhost:${store.state.sqsPort}`,
    };
    pointAt(endpoints);
    const kept = await readStoreMarker<Marker>(store.state);
    const now = currentMarker(options.prefix, identity);
    const dropped = await dropWhatCannotBeKept(
      options.prefix,
      pool,
      kept ? changedSince(options.prefix, kept, now) : [],
      () => createReadModelResources(options.prefix, endpoints, options.region),
    );
    await writeStoreMarker(store.state, now);
    for (const { projection, why } of dropped)
      options.log(`read models: ${projection} is rebuilt from the event log (${why})`);
    options.log(
      kept
        ? `read models: kept by the store from the last run (process ${store.state.pid}, up ${uptime(store.status.uptimeSeconds)})`
        : `read models: a new store (process ${store.state.pid}), filled from the event log`,
    );
    return { ...endpoints, store: store.state, stop: async () => undefined };
  } finally {
    await pool.end();
  }
}

const uptime = (seconds: number) =>
  seconds < 120
    ? `${seconds} s`
    : seconds < 7_200
      ? `${Math.round(seconds / 60)} min`
      : `${Math.round(seconds / 3_600)} h`;

/**
 * The stack's store: the running one if it answers, was started by these versions, serves this event
 * log and listens where asked; otherwise a new one (empty), saying why the old one was replaced.
 */
async function openStore(
  options: ReadSideOptions,
  identity: Parameters<typeof sameEventLog>[1],
): Promise<FoundStore> {
  const file = stateFile(options.projectRoot, options.databaseUrl, options.prefix);
  const { log } = options;
  return withStartLock(file, async () => {
    if (options.fresh) {
      if (await stopStore(file)) log('read models: --fresh: stopped the store, starting an empty one');
    } else {
      const found = await findStore(file);
      const replaced = found && (await whyReplace(found, options, identity));
      if (found && !replaced) return found;
      if (found && replaced) {
        log(`read models: ${replaced}: replacing the store, the read models are rebuilt from the event log`);
        await stopStore(file);
      }
    }
    const taken = [options.dynamoDbPort, options.sqsPort].filter((port) => port !== 0);
    const holder = taken.length > 0 ? await storeHolding(options.projectRoot, taken) : undefined;
    if (holder) {
      throw new UnreachableDependencyError(
        `the read-model store of ${holder.database} (prefix ${holder.prefix}) listens on ` +
          `${holder.dynamoDbPort} and ${holder.sqsPort}: stop it (npm run dev:stop -- --all), or set ` +
          'LOCAL_DYNAMODB_PORT and LOCAL_SQS_PORT for this stack',
      );
    }
    // a port another process holds (another checkout's store, say): named with the variable that moves it
    await requireFreePorts({
      ...(options.dynamoDbPort ? { LOCAL_DYNAMODB_PORT: options.dynamoDbPort } : {}),
      ...(options.sqsPort ? { LOCAL_SQS_PORT: options.sqsPort } : {}),
    });
    return startStore({
      file,
      database: databaseOf(options.databaseUrl),
      prefix: options.prefix,
      dynamoDbPort: options.dynamoDbPort,
      sqsPort: options.sqsPort,
      path: options.dynamoDbPath,
      exitWith: options.exitWith,
    });
  });
}

/** Why the running store may not be reused, if it may not. */
async function whyReplace(
  found: FoundStore,
  options: ReadSideOptions,
  identity: Parameters<typeof sameEventLog>[1],
): Promise<string | undefined> {
  const { state } = found;
  if (!found.current) return `the store was started by other versions (${JSON.stringify(state.versions)})`;
  if ((state.path ?? undefined) !== options.dynamoDbPath)
    return `DYNALITE_PATH changed (${state.path ?? 'in memory'} to ${options.dynamoDbPath ?? 'in memory'})`;
  const moved = (asked: number, has: number) => asked !== 0 && asked !== has;
  if (moved(options.dynamoDbPort, state.dynamoDbPort) || moved(options.sqsPort, state.sqsPort))
    return `the ports changed (${state.dynamoDbPort} and ${state.sqsPort} to ${options.dynamoDbPort} and ${options.sqsPort})`;
  const kept = await readStoreMarker<Marker>(state);
  if (kept && !sameEventLog(kept.eventLog, identity))
    return 'its read models were made from another event log (the database was dropped and recreated, or restored elsewhere)';
  return undefined;
}
