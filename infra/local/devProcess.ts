// Runs the local stack as a child process, as a user would, and stops it with everything it started:
// the end-to-end tests run `npm run dev`, the benchmark its start script directly.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
/** infra/local/start.ts prints this once everything answers */
const DEV_READY_LINE = '[dev] ready';

export interface DevProcess {
  /** the last lines it printed (serverless-offline prints one per invocation, so only the tail) */
  output(): string;
  /** which of the `secrets` it was given appeared anywhere in what it printed */
  leakedSecrets(): string[];
  stop(): Promise<void>;
}

export async function startDevProcess(
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  options: {
    readyTimeoutMs?: number;
    secrets?: readonly string[];
    readyLine?: string;
    cwd?: string;
    /** every line it prints, as it comes (output() keeps only the tail) */
    onLine?: (line: string) => void;
  } = {},
): Promise<DevProcess> {
  const { readyTimeoutMs = 180_000, secrets = [], readyLine = DEV_READY_LINE, cwd = projectRoot } = options;
  let output = '';
  let ready = false;
  const leaked = new Set<string>();
  const child = spawn(command, args, {
    cwd,
    // its own process group, so that stop() reaches serverless-offline and everything else it starts
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env,
  });
  const keep = (chunk: Buffer) => {
    output += chunk.toString();
    ready ||= output.includes(readyLine);
    // the whole run is scanned, not only the tail that is kept
    for (const secret of secrets) if (output.includes(secret)) leaked.add(secret);
    output = output.slice(-20_000);
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const { onLine } = options;
  if (onLine) {
    for (const stream of [child.stdout, child.stderr]) {
      createInterface({ input: stream }).on('line', onLine);
    }
  }

  const stop = async () => {
    if (child.exitCode === null && child.pid) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      process.kill(-child.pid, 'SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
      if (child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
    }
  };
  const deadline = Date.now() + readyTimeoutMs;
  while (!ready) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`the local stack did not become ready:\n${output.slice(-3000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return { output: () => output, leakedSecrets: () => [...leaked], stop };
}
