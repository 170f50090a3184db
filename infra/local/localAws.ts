// DynamoDB and SQS that end with the process that starts them: dynalite (in a child process) and
// sqslite on loopback, unless endpoints are configured (LocalStack, say). The tests use them, and
// `npm run dev` with LOCAL_STORE=foreground; by default it keeps them in a store of their own that
// outlives it (store/storeDaemon.ts). Either way the tables and queues are created here from
// infra/deploy/readModelResources.ts (from the projection catalog), which serverless.yml uses too.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { CreateTableCommand, ResourceInUseException } from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand } from '@aws-sdk/client-sqs';
import sqslite from 'sqslite';
import { createDynamoDbClient, createSqsClient } from '../../functions/shared/awsClients.ts';
import { queueNames, tableDefinitions } from '../deploy/readModelResources.ts';

export interface LocalAws {
  dynamoDbEndpoint: string;
  sqsEndpoint: string;
  stop(): Promise<void>;
}

export interface LocalAwsOptions {
  /** use these instead of starting emulators */
  dynamoDbEndpoint?: string | undefined;
  sqsEndpoint?: string | undefined;
  /** where dynalite keeps its data between runs; in memory when absent */
  dynamoDbPath?: string | undefined;
  /** loopback ports for dynalite and sqslite; 0 picks free ones */
  dynamoDbPort?: number;
  sqsPort?: number;
  region?: string;
}

/**
 * dynalite in a process of its own (its command-line entry point): one JavaScript event loop serves
 * every DynamoDB request, and sharing it with the queue bridges made reads wait behind their work
 * (decision 0012).
 */
async function startDynalite(
  path: string | undefined,
  requestedPort: number,
): Promise<{ endpoint: string; stop(): Promise<void> }> {
  // dynalite's command line takes 0 for its default, 4567, which another stack may hold: a free one
  const port = requestedPort === 0 ? await freePort() : requestedPort;
  const cli = createRequire(import.meta.url).resolve('dynalite/cli.js');
  const child = spawn(
    process.execPath,
    [
      cli,
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      ...['--createTableMs', '0', '--deleteTableMs', '0', '--updateTableMs', '0'],
      ...(path ? ['--path', path] : []),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  // whatever way this process ends, dynalite ends with it
  const stopChild = () => child.kill();
  process.once('exit', stopChild);
  const endpoint = await new Promise<string>((resolve, reject) => {
    let printed = '';
    child.stdout.on('data', (chunk: Buffer) => {
      printed += chunk.toString();
      const listening = /listening at: https?:\/\/[^:]+:(\d+)/.exec(printed);
      if (!listening) return;
      // nothing more to read: drain the pipe so that dynalite never blocks on it
      child.stdout.removeAllListeners('data').resume();
      resolve(`http://127.0.0.1:${listening[1]}`);
    });
    child.once('exit', (code) => reject(new Error(`dynalite exited (${code}) before listening: ${printed}`)));
    child.once('error', reject);
  });
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

async function startSqslite(port: number): Promise<{ endpoint: string; stop(): Promise<void> }> {
  const server = sqslite({ logger: false });
  const address: string = await server.listen({ port, host: '127.0.0.1' });
  // sqslite builds queue URLs from the Host header and wants `localhost` (architecture.md)
  return { endpoint: `http://localhost:${new URL(address).port}`, stop: () => server.close() };
}

/** Creates every read-model table and queue named with `prefix`; existing ones are left as they are. */
export async function createReadModelResources(
  prefix: string,
  endpoints: { dynamoDbEndpoint: string; sqsEndpoint: string },
  region = 'us-east-1',
): Promise<void> {
  const dynamoDb = createDynamoDbClient({
    AWS_REGION: region,
    DYNAMODB_ENDPOINT: endpoints.dynamoDbEndpoint,
  });
  const queues = createSqsClient({ AWS_REGION: region, SQS_ENDPOINT: endpoints.sqsEndpoint });
  try {
    for (const table of tableDefinitions(prefix)) {
      await dynamoDb.send(new CreateTableCommand(table)).catch((error: unknown) => {
        if (!(error instanceof ResourceInUseException)) throw error;
      });
    }
    for (const name of queueNames(prefix)) {
      await queues.send(new CreateQueueCommand({ QueueName: name }));
    }
  } finally {
    dynamoDb.destroy();
    queues.destroy();
  }
}

/** A loopback port nothing listens on now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
      .once('error', reject)
      .listen(0, '127.0.0.1', () => {
        const { port } = probe.address() as { port: number };
        probe.close(() => resolve(port));
      });
  });
}

export async function startLocalAws(options: LocalAwsOptions = {}): Promise<LocalAws> {
  const dynamo = options.dynamoDbEndpoint
    ? { endpoint: options.dynamoDbEndpoint, stop: async () => {} }
    : await startDynalite(options.dynamoDbPath, options.dynamoDbPort ?? 0);
  const queues = options.sqsEndpoint
    ? { endpoint: options.sqsEndpoint, stop: async () => {} }
    : await startSqslite(options.sqsPort ?? 0);
  return {
    dynamoDbEndpoint: dynamo.endpoint,
    sqsEndpoint: queues.endpoint,
    async stop() {
      await Promise.all([dynamo.stop(), queues.stop()]);
    },
  };
}
