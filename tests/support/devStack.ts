// Starts `npm run dev` exactly as a user would, on its own database, vhost, ports and work folders.
import { rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { startDevProcess } from '../../infra/local/devProcess.ts';
import { createTestBroker, type TestBroker } from './testBroker.ts';
import { createTestDatabase, type TestDatabase } from './testDatabase.ts';

export interface DevStack {
  baseUrl: string;
  database: TestDatabase;
  broker: TestBroker;
  output: () => string;
  /** the database password and broker credentials, if they ever appeared in what it printed */
  leakedSecrets: () => string[];
  stop(): Promise<void>;
}

/**
 * The database URL carries this password (PostgreSQL here trusts local connections, so it is never
 * checked): a canary that must never show up in any log line.
 */
export const DATABASE_PASSWORD_CANARY = 'canary-db-password-6f1d2c';
/** A bearer token the tests send; it too must never be logged. */
export const BEARER_TOKEN_CANARY = 'canary-bearer-token-9a7e41';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Connections per serverless-offline instance of a test's stack (`npm run dev` gives 8): two stacks
 * run at once beside the integration tier, whose concurrency test holds 40, and the machine's
 * PostgreSQL takes 100 in all
 */
export const E2E_POOL_MAX = '4';

/**
 * The first of a block of ports a test's stack (or its token issuer) listens on: HTTP, Lambda and
 * the events instance's two. Below Linux's ephemeral range (from 32768), where the ports picked for
 * the stores (port 0) and for outgoing connections of stacks running side by side land.
 */
export const freePortBlock = () => 20_000 + 4 * Math.floor(Math.random() * 3_000);

/**
 * serverless-esbuild's work folders of a stack a test starts (LOCAL_WORK_FOLDER): its own, so that
 * the end-to-end files' stacks run side by side, and removed once it has stopped
 */
export function stackWorkFolder(httpPort: number) {
  const folder = `.esbuild-e2e-${httpPort}`;
  return {
    folder,
    remove: () =>
      Promise.all(
        [folder, `${folder}-events`].map((name) =>
          rm(`${projectRoot}/${name}`, { recursive: true, force: true }),
        ),
      ),
  };
}

/** `env`: more settings for `npm run dev`, e.g. LOCAL_AUTH=on */
export async function startDevStack(env: NodeJS.ProcessEnv = {}): Promise<DevStack> {
  const [database, broker] = await Promise.all([createTestDatabase('e2e'), createTestBroker('e2e')]);
  const httpPort = freePortBlock();
  const workFolder = stackWorkFolder(httpPort);
  const dropBackend = () => Promise.all([database.drop(), broker.delete(), workFolder.remove()]);
  try {
    const databaseUrl = new URL(database.url);
    databaseUrl.password = DATABASE_PASSWORD_CANARY;
    const brokerCredentials = `${new URL(broker.url).username}:${new URL(broker.url).password}@`;
    const dev = await startDevProcess(
      'npm',
      ['run', 'dev'],
      {
        ...process.env,
        DATABASE_URL: databaseUrl.toString(),
        RABBITMQ_URL: broker.url,
        HTTP_PORT: String(httpPort),
        LAMBDA_PORT: String(httpPort + 1),
        RELAY_SCHEDULE_MS: '1000',
        PG_POOL_MAX: E2E_POOL_MAX,
        // free ports and an in-memory DynamoDB, so that a running `npm run dev` is left alone; in the
        // foreground, so that it ends with the stack: each test's stack starts empty, and nothing of
        // it may outlive the run (restart.e2e.test.ts is the one that keeps a store across starts)
        LOCAL_DYNAMODB_PORT: '0',
        LOCAL_SQS_PORT: '0',
        DYNALITE_PATH: '',
        LOCAL_STORE: 'foreground',
        LOCAL_WORK_FOLDER: workFolder.folder,
        ...env,
      },
      { secrets: [DATABASE_PASSWORD_CANARY, BEARER_TOKEN_CANARY, brokerCredentials] },
    );
    return {
      baseUrl: `http://127.0.0.1:${httpPort}`,
      database,
      broker,
      output: dev.output,
      leakedSecrets: dev.leakedSecrets,
      async stop() {
        await dev.stop();
        await dropBackend();
      },
    };
  } catch (error) {
    await dropBackend();
    throw error;
  }
}
