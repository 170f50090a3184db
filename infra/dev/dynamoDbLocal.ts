// AWS's DynamoDB Local (the jar the npm package amplify-dynamodb-simulator ships, with its SQLite
// native libraries) on the machine's Java: the store that keeps `npm run dev`'s read models across
// restarts (docs/decisions.md, "npm run dev keeps its read models").
import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { UnreachableDependencyError } from './preflight.ts';

/** The folder holding DynamoDBLocal.jar and DynamoDBLocal_lib/. */
function emulatorFolder(): string {
  const manifest = createRequire(import.meta.url).resolve('amplify-dynamodb-simulator/package.json');
  return join(dirname(manifest), 'emulator');
}

const freePort = () =>
  new Promise<number>((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

function requireJava(): void {
  const probe = spawnSync('java', ['-version'], { stdio: 'ignore' });
  if (probe.error || probe.status !== 0) {
    throw new UnreachableDependencyError(
      'Java is needed to keep the read models across restarts (DynamoDB Local): install one ' +
        '(apt-get install default-jre-headless), or start with LOCAL_DYNAMODB=memory to rebuild them at each start',
    );
  }
}

/**
 * Starts DynamoDB Local on `folder` (one SQLite file for every client: -sharedDb, since the Lambdas
 * and the tools do not all sign with the same key) and resolves once it answers.
 */
export async function startDynamoDbLocal(
  folder: string,
  port: number,
): Promise<{ endpoint: string; stop(): Promise<void> }> {
  requireJava();
  const emulator = emulatorFolder();
  // DynamoDB Local takes no port 0: ask the system for a free one
  if (port === 0) port = await freePort();
  const child = spawn(
    'java',
    [
      `-Djava.library.path=${join(emulator, 'DynamoDBLocal_lib')}`,
      '-jar',
      join(emulator, 'DynamoDBLocal.jar'),
      '-sharedDb',
      '-dbPath',
      folder,
      '-port',
      String(port),
      // it would try to send usage data to AWS
      '-disableTelemetry',
    ],
    { cwd: emulator, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let printed = '';
  const keep = (chunk: Buffer) => {
    printed = (printed + chunk.toString()).slice(-4_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  // whatever way this process ends, DynamoDB Local ends with it
  const stopChild = () => child.kill();
  process.once('exit', stopChild);
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`DynamoDB Local exited (${child.exitCode}): ${printed}`);
    try {
      // any answer, even a 400 for a request without a target, means it listens
      await fetch(endpoint, { signal: AbortSignal.timeout(1_000) });
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`DynamoDB Local did not answer within 60 s: ${printed}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return {
    endpoint,
    stop: async () => {
      process.off('exit', stopChild);
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
