// Where `npm run dev` keeps its read models between runs: one folder per PostgreSQL database and
// resource prefix, so that two stacks on different databases never share read models. The live copy
// is in memory-backed /dev/shm where there is one (DynamoDB Local's SQLite waits for the disk at
// every write: about 290 items/s here, against 2,400 in memory; docs/decisions.md); a clean stop
// saves it under .local/, from where a start after a reboot takes it back.
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { cp, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { UnreachableDependencyError } from './preflight.ts';

export interface KeptFolders {
  /** where DynamoDB Local runs on */
  live: string;
  /** the copy a clean stop leaves, under the project's .local/ */
  saved: string;
}

export function keptFolders(projectRoot: string, databaseUrl: string, prefix: string): KeptFolders {
  const { hostname, port, pathname } = new URL(databaseUrl);
  const name = `${hostname}-${port || '5432'}-${decodeURIComponent(pathname.slice(1))}--${prefix}`.replace(
    /[^A-Za-z0-9._-]/g,
    '_',
  );
  const saved = join(projectRoot, '.local', 'read-models', name);
  // two checkouts of the project (worktrees) each have their own
  const checkout = createHash('sha256').update(projectRoot).digest('hex').slice(0, 10);
  const live = existsSync('/dev/shm') ? join('/dev/shm', `cqrs-commerce-${checkout}`, name) : saved;
  return { live, saved };
}

const OWNER_FILE = 'owner.pid';

const isRunning = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/**
 * Makes the live folder ready: wiped with `fresh`, taken back from the saved copy after a reboot,
 * and claimed for this process (two DynamoDB Local on one SQLite file would corrupt it).
 */
export async function openKeptFolder(folders: KeptFolders, fresh: boolean): Promise<'fresh' | 'kept'> {
  if (fresh) await Promise.all([rm(folders.live, { recursive: true, force: true }), forgetSaved(folders)]);
  if (folders.live !== folders.saved && !existsSync(folders.live) && existsSync(folders.saved))
    await cp(folders.saved, folders.live, { recursive: true });
  await mkdir(folders.live, { recursive: true });
  const owner = Number(await readFile(join(folders.live, OWNER_FILE), 'utf8').catch(() => ''));
  if (owner && owner !== process.pid && isRunning(owner)) {
    throw new UnreachableDependencyError(
      `another npm run dev (process ${owner}) keeps the read models of this database and prefix; stop it, ` +
        'or give this one another RESOURCE_PREFIX',
    );
  }
  await writeFile(join(folders.live, OWNER_FILE), String(process.pid));
  return existsSync(join(folders.live, 'shared-local-instance.db')) ? 'kept' : 'fresh';
}

export async function forgetSaved(folders: KeptFolders): Promise<void> {
  await rm(folders.saved, { recursive: true, force: true });
}

export async function wipeLive(folders: KeptFolders): Promise<void> {
  await rm(folders.live, { recursive: true, force: true });
  await mkdir(folders.live, { recursive: true });
  await writeFile(join(folders.live, OWNER_FILE), String(process.pid));
}

/** After DynamoDB Local has stopped: the live copy becomes the saved one, replaced whole. */
export async function saveKeptFolder(folders: KeptFolders): Promise<void> {
  await rm(join(folders.live, OWNER_FILE), { force: true });
  if (folders.live === folders.saved) return;
  const next = `${folders.saved}.saving`;
  await rm(next, { recursive: true, force: true });
  await cp(folders.live, next, { recursive: true });
  await rm(folders.saved, { recursive: true, force: true });
  await rename(next, folders.saved);
}
