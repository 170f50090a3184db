// Starts `npm run dev` exactly as a user would, on its own database, vhost and ports.
import { startDevProcess } from '../../infra/dev/devProcess.ts';
import { createTestBroker, type TestBroker } from './testBroker.ts';
import { createTestDatabase, type TestDatabase } from './testDatabase.ts';

export interface DevStack {
  baseUrl: string;
  database: TestDatabase;
  broker: TestBroker;
  output: () => string;
  stop(): Promise<void>;
}

export async function startDevStack(): Promise<DevStack> {
  const [database, broker] = await Promise.all([createTestDatabase('e2e'), createTestBroker('e2e')]);
  const httpPort = 20_000 + Math.floor(Math.random() * 20_000);
  const dropBackend = () => Promise.all([database.drop(), broker.delete()]);
  try {
    const dev = await startDevProcess('npm', ['run', 'dev'], {
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
    });
    return {
      baseUrl: `http://127.0.0.1:${httpPort}`,
      database,
      broker,
      output: dev.output,
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
