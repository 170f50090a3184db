// DynamoDB and SQS for the local stack: dynalite and sqslite in-process on loopback, unless
// endpoints are configured (LocalStack, say). Either way the tables and queues are created here from
// infra/aws/readModelResources.json, the definition serverless.yml's CloudFormation uses too.
import type { AddressInfo } from 'node:net';
import { CreateTableCommand, DynamoDBClient, ResourceInUseException } from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, SQSClient, type SQSClientConfig } from '@aws-sdk/client-sqs';
import { AwsQueryProtocol } from '@aws-sdk/config/protocol';
import dynalite from 'dynalite';
import sqslite from 'sqslite';
import { queueNames, tableDefinitions } from '../aws/readModelResources.ts';

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

const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

async function startDynalite(
  path: string | undefined,
  port: number,
): Promise<{ endpoint: string; stop(): Promise<void> }> {
  const server = dynalite({
    createTableMs: 0,
    deleteTableMs: 0,
    updateTableMs: 0,
    ...(path ? { path } : {}),
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // clients keep idle connections alive; close() alone would wait for them forever
        server.closeAllConnections();
      }),
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
  const dynamoDb = new DynamoDBClient({ endpoint: endpoints.dynamoDbEndpoint, region, credentials });
  const queues = new SQSClient({
    protocol: AwsQueryProtocol,
    endpoint: endpoints.sqsEndpoint,
    region,
    credentials,
  } as SQSClientConfig);
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
