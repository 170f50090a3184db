// Finds the read-model store of a stack (storeDaemon.ts) or starts one, detached, and stops it. A
// store is reused only if its state file's process answers on its own endpoint with the file's token
// and was started by the same versions; a state file whose store does not answer (a reboot, a kill)
// is replaced, and the process it names is left alone, since a pid may have been given to another
// process since.
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { mkdir, open, readFile, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { UnreachableDependencyError } from '../preflight.ts';
import {
  installedVersions,
  logFile,
  readState,
  sameVersions,
  stateFiles,
  type StoreState,
} from './storeState.ts';

const DAEMON = fileURLToPath(new URL('./storeDaemon.ts', import.meta.url));

export interface StoreStatus extends StoreState {
  rssBytes: number;
  heapUsedBytes: number;
  heapTotalBytes: number;
  externalBytes: number;
  uptimeSeconds: number;
}

const controlUrl = (state: StoreState, path: string) => `http://127.0.0.1:${state.controlPort}${path}`;

async function control(state: StoreState, path: string, init: RequestInit = {}, timeoutMs = 3_000) {
  return fetch(controlUrl(state, path), {
    ...init,
    headers: { 'x-store-token': state.token, ...init.headers },
    signal: AbortSignal.timeout(timeoutMs),
  });
}

/** Whether a process of this id is alive (signal 0 checks without signalling). */
export const isRunning = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** The store's status if the state file's process answers with the file's token; a few tries under load. */
export async function storeStatus(state: StoreState): Promise<StoreStatus | undefined> {
  for (let attempt = 0; attempt < 3 && isRunning(state.pid); attempt++) {
    try {
      const status = (await (await control(state, '/status')).json()) as StoreStatus;
      return status.token === state.token && status.pid === state.pid ? status : undefined;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
  return undefined;
}

export interface FoundStore {
  state: StoreState;
  status: StoreStatus;
  /** started by this dynalite, sqslite and daemon */
  current: boolean;
}

/**
 * Whether the state file's pid is still the store it started (its command line names the daemon and
 * this file): a store that is alive but does not answer, as against a pid given to another process.
 * Linux's /proc only; elsewhere a store that does not answer is taken for gone.
 */
async function silentStore(state: StoreState, file: string): Promise<boolean> {
  if (!isRunning(state.pid)) return false;
  const commandLine = await readFile(`/proc/${state.pid}/cmdline`, 'utf8').catch(() => '');
  return commandLine.includes('storeDaemon.ts') && commandLine.includes(file);
}

/**
 * The store this state file describes, if it answers; a stale file is removed. A store that is alive
 * but does not answer is refused rather than replaced: a second one would find its ports taken, and
 * the first would be left running with no state file to stop it by.
 */
export async function findStore(file: string): Promise<FoundStore | undefined> {
  const state = await readState(file);
  if (!state) return undefined;
  const status = await storeStatus(state);
  if (!status) {
    if (await silentStore(state, file)) {
      throw new UnreachableDependencyError(
        `the read-model store (process ${state.pid}) does not answer on port ${state.controlPort}: ` +
          `npm run dev:stop ends it (its log: ${logFile(file)})`,
      );
    }
    await rm(file, { force: true });
    return undefined;
  }
  return { state, status, current: sameVersions(state.versions, installedVersions()) };
}

/**
 * Stops the store of this state file, if it answers (or is alive and silent: then by a signal), and
 * resolves once its process has gone; its log goes too.
 */
export async function stopStore(file: string): Promise<StoreState | undefined> {
  const state = await readState(file);
  if (!state) return undefined;
  if (await storeStatus(state)) {
    await control(state, '/stop', { method: 'POST' }).catch(() => undefined);
  } else if (await silentStore(state, file)) {
    process.kill(state.pid, 'SIGTERM');
  } else {
    await rm(file, { force: true });
    return undefined;
  }
  const deadline = Date.now() + 15_000;
  while (isRunning(state.pid)) {
    // it answered with its token, or its command line names this file: it is ours to end
    if (Date.now() > deadline) process.kill(state.pid, 'SIGKILL');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  await Promise.all([rm(file, { force: true }), rm(logFile(file), { force: true })]);
  return state;
}

/** The running store of another stack of this checkout that holds one of these ports, if any. */
export async function storeHolding(projectRoot: string, ports: number[]): Promise<StoreState | undefined> {
  for (const file of await stateFiles(projectRoot)) {
    const state = await readState(file);
    if (state && (ports.includes(state.dynamoDbPort) || ports.includes(state.sqsPort))) return state;
  }
  return undefined;
}

export interface StartStoreOptions {
  file: string;
  database: string;
  prefix: string;
  dynamoDbPort: number;
  sqsPort: number;
  path: string | undefined;
  exitWith: number | undefined;
}

/** Starts a store, detached from this process and its terminal, and resolves once it answers. */
export async function startStore(options: StartStoreOptions): Promise<FoundStore> {
  await mkdir(dirname(options.file), { recursive: true });
  await rm(options.file, { force: true });
  const output = openSync(logFile(options.file), 'w');
  // Node's own type stripping where it has it (no esbuild service beside the store), tsx otherwise
  const loader = (process.features as { typescript?: unknown }).typescript ? [] : ['--import', 'tsx'];
  // sqslite's fastify plugin warns at every start; it says nothing about the store
  const quiet = ['--disable-warning=FST_MODULE_DEP_FASTIFY-FORMBODY'];
  let child;
  try {
    child = spawn(
      process.execPath,
      [
        ...quiet,
        ...loader,
        DAEMON,
        ...['--state', options.file, '--database', options.database, '--prefix', options.prefix],
        ...['--dynamodb-port', String(options.dynamoDbPort), '--sqs-port', String(options.sqsPort)],
        ...(options.path ? ['--path', options.path] : []),
        ...(options.exitWith ? ['--exit-with', String(options.exitWith)] : []),
      ],
      // a session of its own: Ctrl-C in the terminal and the end of `npm run dev` do not reach it
      { detached: true, stdio: ['ignore', output, output] },
    );
  } finally {
    closeSync(output);
  }
  child.unref();
  const deadline = Date.now() + 60_000;
  for (;;) {
    const state = await readState(options.file);
    if (state && state.pid === child.pid) {
      const status = await storeStatus(state);
      if (status) return { state, status, current: true };
    }
    if (child.exitCode !== null || Date.now() > deadline) {
      const printed = await readFile(logFile(options.file), 'utf8').catch(() => '');
      const last = printed.trim().split('\n').at(-1) ?? '';
      if (child.exitCode === null) child.kill();
      throw new UnreachableDependencyError(`the read-model store did not start: ${last}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * Runs `work` holding the stack's start lock: two `npm run dev` of one stack starting at once would
 * otherwise each start a store, and one would be left running with no state file.
 */
export async function withStartLock<T>(file: string, work: () => Promise<T>): Promise<T> {
  const lock = `${file}.lock`;
  await mkdir(dirname(lock), { recursive: true });
  const deadline = Date.now() + 90_000;
  for (;;) {
    try {
      const handle = await open(lock, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const holder = Number(await readFile(lock, 'utf8').catch(() => ''));
      // an empty lock is one being written, unless it has stayed empty for seconds
      const age = Date.now() - ((await stat(lock).catch(() => undefined))?.mtimeMs ?? 0);
      if (holder ? !isRunning(holder) : age > 5_000) await rm(lock, { force: true });
      else if (Date.now() > deadline) throw new UnreachableDependencyError(`process ${holder} holds ${lock}`);
      else await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  try {
    return await work();
  } finally {
    await rm(lock, { force: true });
  }
}

/** What the read models were made from, as the store keeps it (keptReadModels.ts). */
export async function readStoreMarker<T>(state: StoreState): Promise<T | undefined> {
  const { marker } = (await (await control(state, '/marker')).json()) as { marker: T | null };
  return marker ?? undefined;
}

export async function writeStoreMarker(state: StoreState, marker: unknown): Promise<void> {
  const response = await control(state, '/marker', { method: 'PUT', body: JSON.stringify(marker) });
  if (!response.ok) throw new Error(`the store refused the marker: ${response.status}`);
}
