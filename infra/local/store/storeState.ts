// The state file of a local read-model store (storeDaemon.ts): one per stack, that is per PostgreSQL
// database and resource prefix, under the checkout's .local/store/. It says where the store listens
// and what it serves, so that the next `npm run dev` of the same stack finds it and reuses it, and
// holds a token the store answers with, so that a process that merely took its pid or port after a
// reboot is never mistaken for it. Only type-erasable TypeScript here: the daemon runs this file with
// Node's own type stripping where it can.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';

/**
 * What a store was started by: another dynalite or sqslite (an npm install), or another daemon
 * (DAEMON_VERSION, raised whenever storeDaemon.ts changes what it serves), and the next start
 * replaces it rather than trust data another version wrote.
 */
export interface StoreVersions {
  daemon: number;
  dynalite: string;
  sqslite: string;
}

export const DAEMON_VERSION = 1;

export interface StoreState {
  pid: number;
  token: string;
  dynamoDbPort: number;
  sqsPort: number;
  /** its own HTTP endpoint: status, the kept-read-models marker, stop */
  controlPort: number;
  /** the event log it serves: host:port/database, without credentials */
  database: string;
  prefix: string;
  /** dynalite's folder (DYNALITE_PATH), or null: in memory */
  path: string | null;
  versions: StoreVersions;
  startedAt: string;
}

const packageVersion = (name: string) =>
  (
    JSON.parse(readFileSync(createRequire(import.meta.url).resolve(`${name}/package.json`), 'utf8')) as {
      version: string;
    }
  ).version;

export const installedVersions = (): StoreVersions => ({
  daemon: DAEMON_VERSION,
  dynalite: packageVersion('dynalite'),
  sqslite: packageVersion('sqslite'),
});

export const sameVersions = (a: StoreVersions, b: StoreVersions) =>
  a.daemon === b.daemon && a.dynalite === b.dynalite && a.sqslite === b.sqslite;

/** host:port/database of a PostgreSQL URL, without its credentials */
export function databaseOf(databaseUrl: string): string {
  const { hostname, port, pathname } = new URL(databaseUrl);
  return `${hostname}:${port || '5432'}/${decodeURIComponent(pathname.slice(1))}`;
}

export const storeFolder = (projectRoot: string) => join(projectRoot, '.local', 'store');

/** The state file of the stack of this database and prefix. */
export function stateFile(projectRoot: string, databaseUrl: string, prefix: string): string {
  const name = `${databaseOf(databaseUrl)}--${prefix}`.replace(/[^A-Za-z0-9._-]/g, '_');
  return join(storeFolder(projectRoot), `${name}.json`);
}

/** The store's own output, beside its state file. */
export const logFile = (file: string) => file.replace(/\.json$/, '.log');

export const newToken = () => randomUUID();

export async function readState(file: string): Promise<StoreState | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as StoreState;
  } catch {
    return undefined;
  }
}

/** Written whole or not at all: a reader never sees half a file. */
export async function writeState(file: string, state: StoreState): Promise<void> {
  await mkdir(join(file, '..'), { recursive: true });
  const next = `${file}.${process.pid}.tmp`;
  await writeFile(next, `${JSON.stringify(state, null, 2)}\n`);
  await rename(next, file);
}

/** Removes the state file if it still describes the store of this token (not a successor's). */
export async function forgetState(file: string, token: string): Promise<void> {
  const state = await readState(file);
  if (state?.token === token) await rm(file, { force: true });
}

/** Every state file of the checkout. */
export async function stateFiles(projectRoot: string): Promise<string[]> {
  const folder = storeFolder(projectRoot);
  const names = await readdir(folder).catch(() => [] as string[]);
  return names.filter((name) => name.endsWith('.json')).map((name) => join(folder, name));
}
