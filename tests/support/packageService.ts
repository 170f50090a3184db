// `osls package` as a user runs it for the cloud: offline, with no credentials, from a shell without
// the local settings serverless.yml reads for `npm run dev` (a deployed function would carry them).
//
// Bundling and zipping the functions is most of a packaging's time (about 35 s of 40 on a quiet
// machine), and the bundles depend on the sources alone, not on the stage, region or parameters: so
// the first packaging of a tree keeps its zips under node_modules/.cache, keyed by a hash of every
// source file (and of what the build reads besides), and the others package the same way with
// serverless-esbuild's `skipBuild`, which takes the zips already in the package directory. Each
// packaging still runs osls in full (plugins, variables, the template), so what the tests read is
// what `osls package` writes. Packagings take turns (a lock): osls writes the project's `.serverless`
// folder and removes it at the end, so two at once in one tree would remove each other's artifacts.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cp, mkdir, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { CloudFormationTemplate } from '../../infra/deploy/cloudFormationSpec.ts';
import { isRunning } from '../../infra/local/store/localStore.ts';

const run = promisify(execFile);
const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
const serverlessBin = `${projectRoot}node_modules/serverless/bin/serverless.js`;
const cacheRoot = `${projectRoot}node_modules/.cache/package-service`;

/** What serverless.yml reads from the environment, and the credentials packaging must not need. */
const LOCAL_SETTINGS = [
  'DATABASE_URL',
  'RABBITMQ_URL',
  'DYNAMODB_ENDPOINT',
  'SQS_ENDPOINT',
  'AUTH_ISSUER_URL',
  'AUTH_AUDIENCE',
  'RESOURCE_PREFIX',
  'RELAY_WAKE',
  'LOG_LEVEL',
  'PG_POOL_MAX',
  'HEAL_GAPS_AFTER_MS',
  'CORS_ALLOWED_ORIGINS',
  'POWERTOOLS_METRICS_DISABLED',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_PROFILE',
];

export interface PackageOptions {
  stage: string;
  region?: string;
  /** stage parameters, `--param name=value` */
  params?: Record<string, string>;
  /** what the shell sets besides, e.g. a local setting packaging must refuse */
  env?: Record<string, string>;
}

/** Packages the service into `directory` and returns the CloudFormation template it wrote. */
export async function packageService(
  directory: string,
  options: PackageOptions,
): Promise<CloudFormationTemplate> {
  const env: NodeJS.ProcessEnv = { ...process.env, SLS_TELEMETRY_DISABLED: '1' };
  for (const name of LOCAL_SETTINGS) delete env[name];
  Object.assign(env, options.env);
  // a folder of its own for the bundling, so that a `npm run dev` of another tier (which bundles
  // into `.esbuild`) is left alone; as deep as `.esbuild`, so the source maps' paths are the same
  env.ESBUILD_WORK_FOLDER = '.esbuild-package';
  const args = ['package', '--stage', options.stage, '--package', directory];
  if (options.region) args.push('--region', options.region);
  for (const [name, value] of Object.entries(options.params ?? {})) args.push('--param', `${name}=${value}`);
  const osls = (skipBuild: boolean) =>
    run(process.execPath, [serverlessBin, ...args], {
      cwd: projectRoot,
      env: skipBuild ? { ...env, PACKAGE_SKIP_BUILD: 'true' } : env,
      timeout: 240_000,
    });

  await withPackagingLock(async () => {
    const bundles = `${cacheRoot}/${await sourcesHash(env.BUNDLES)}`;
    const built = await readdir(bundles).catch(() => undefined);
    if (built) {
      await mkdir(directory, { recursive: true });
      await Promise.all(built.map((zip) => cp(`${bundles}/${zip}`, `${directory}/${zip}`)));
      // a function the cache lacks (its zip missing) fails the copy: then it is built after all
      const reused = await osls(true).then(
        () => true,
        () => false,
      );
      if (reused) return;
    }
    await osls(false);
    if (!built) await keepBundles(directory, bundles);
  });
  return JSON.parse(await readFile(`${directory}/cloudformation-template-update-stack.json`, 'utf8'));
}

/** Copies the zips a packaging wrote to the cache, replacing the bundles of any older tree. */
async function keepBundles(directory: string, bundles: string) {
  const zips = (await readdir(directory)).filter((file) => file.endsWith('.zip'));
  const partial = `${bundles}.partial-${process.pid}`;
  await rm(cacheRoot, { recursive: true, force: true });
  await mkdir(partial, { recursive: true });
  await Promise.all(zips.map((zip) => cp(`${directory}/${zip}`, `${partial}/${zip}`)));
  await rename(partial, bundles);
}

/**
 * A hash of what the bundles are built from: every file of the tree that git knows or would add
 * (the tests and documents aside), the installed packages (package-lock.json is among the files)
 * and the `BUNDLES` setting that chooses what stays out of them. Without git, no key: always built.
 */
async function sourcesHash(bundlesSetting = ''): Promise<string> {
  const hash = createHash('sha256').update(`BUNDLES=${bundlesSetting}\0`);
  const { stdout } = await run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: projectRoot,
    maxBuffer: 64 * 1024 * 1024,
  }).catch(() => ({ stdout: `${Date.now()}-${Math.random()}` }));
  const files = stdout
    .split('\0')
    .filter((file) => file && !/^(tests|docs)\/|\.md$|\.test\.ts$/.test(file))
    .sort();
  for (const file of files) {
    const content = await readFile(`${projectRoot}${file}`).catch(() => 'absent');
    hash.update(`${file}\0`).update(content).update('\0');
  }
  return hash.digest('hex').slice(0, 32);
}

/** One packaging at a time in this tree, across processes (each tier runs in its own). */
async function withPackagingLock<T>(work: () => Promise<T>): Promise<T> {
  const lock = `${projectRoot}node_modules/.cache/package-service.lock`;
  await mkdir(`${projectRoot}node_modules/.cache`, { recursive: true });
  for (;;) {
    try {
      await mkdir(lock);
      break;
    } catch {
      // a holder that died leaves its lock behind: the pid it wrote tells (or, if it died before
      // writing it, the lock's age)
      const holder = Number(await readFile(`${lock}/pid`, 'utf8').catch(() => '0'));
      const age = Date.now() - ((await stat(lock).catch(() => undefined))?.mtimeMs ?? Date.now());
      if (holder ? !isRunning(holder) : age > 30_000) await rm(lock, { recursive: true, force: true });
      else await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  try {
    await writeFile(`${lock}/pid`, String(process.pid));
    return await work();
  } finally {
    await rm(lock, { recursive: true, force: true });
  }
}
