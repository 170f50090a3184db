// Starts `npm run dev` exactly as a user would, on its own database, vhost and ports.
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createTestBroker, type TestBroker } from './testBroker.ts';
import { createTestDatabase, type TestDatabase } from './testDatabase.ts';

export interface DevStack {
  baseUrl: string;
  database: TestDatabase;
  broker: TestBroker;
  output: () => string;
  stop(): Promise<void>;
}

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));

export async function startDevStack(): Promise<DevStack> {
  const [database, broker] = await Promise.all([createTestDatabase('e2e'), createTestBroker('e2e')]);
  const httpPort = 20_000 + Math.floor(Math.random() * 20_000);
  let output = '';
  const child: ChildProcess = spawn('npm', ['run', 'dev'], {
    cwd: projectRoot,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      DATABASE_URL: database.url,
      RABBITMQ_URL: broker.url,
      HTTP_PORT: String(httpPort),
      LAMBDA_PORT: String(httpPort + 1),
      RELAY_SCHEDULE_MS: '1000',
      // free ports and an in-memory DynamoDB, so that a running `npm run dev` is left alone
      LOCAL_DYNAMODB_PORT: '0',
      LOCAL_SQS_PORT: '0',
      DYNALITE_PATH: '',
    },
  });
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));

  const stop = async () => {
    if (child.exitCode === null && child.pid) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      process.kill(-child.pid, 'SIGTERM');
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
      if (child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
    }
    await Promise.all([database.drop(), broker.delete()]);
  };

  const deadline = Date.now() + 150_000;
  while (!output.includes('[dev] ready')) {
    if (child.exitCode !== null || Date.now() > deadline) {
      await stop();
      throw new Error(`npm run dev did not become ready:\n${output.slice(-3000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return { baseUrl: `http://127.0.0.1:${httpPort}`, database, broker, output: () => output, stop };
}
