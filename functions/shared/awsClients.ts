// How every AWS client of the project is made, one factory per client, from the configuration it is
// handed (the settings' Region and endpoints, or a tool's own), so that functions, tools and tests
// build them alike. Each is captured by the tracer (a no-op where tracing is off) and goes without
// the SDK's logger. The process's own clients, built once from the settings, are in aws.ts.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SQSClient, type SQSClientConfig } from '@aws-sdk/client-sqs';
import { AwsQueryProtocol } from '@aws-sdk/config/protocol';
import { captureClient } from './tracer.ts';

/** Where a client points: the settings' names, so that `settings` itself can be handed over. */
export interface DynamoDbConfig {
  AWS_REGION: string;
  /** dynalite, LocalStack; unset, AWS */
  DYNAMODB_ENDPOINT?: string | undefined;
  /** the benchmark's simulated round trip before every call; 0 or unset, none */
  DYNAMODB_ADDED_LATENCY_MS?: number | undefined;
}
export interface SqsConfig {
  AWS_REGION: string;
  /** sqslite, LocalStack; unset, AWS */
  SQS_ENDPOINT?: string | undefined;
}
export interface LambdaConfig {
  AWS_REGION: string;
  /** serverless-offline's Lambda endpoint; unset, AWS */
  LAMBDA_ENDPOINT?: string | undefined;
}

/**
 * Emulators accept any key; only the cloud needs real credentials (from the Lambda role, or the
 * operator's environment). Where the environment holds a key, the SDK's own chain uses it.
 */
const localCredentials = (endpoint: string | undefined) =>
  endpoint && !process.env.AWS_ACCESS_KEY_ID
    ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
    : {};

const pointedAt = (region: string, endpoint: string | undefined) => ({
  region,
  ...(endpoint ? { endpoint } : {}),
  ...localCredentials(endpoint),
});

/**
 * The SDK's logger middleware builds a redacted copy of every input and output for its logger, even
 * the default one that discards it: about 14% of the CPU of a DynamoDB call against dynalite
 * (decision 0010). We log our own summaries instead, so the clients go without it.
 */
function withoutSdkLogging<T extends { middlewareStack: { remove(name: string): boolean } }>(client: T): T {
  client.middlewareStack.remove('loggerMiddleware');
  return client;
}

/**
 * For the benchmark's partition phase (DYNAMODB_ADDED_LATENCY_MS): every DynamoDB call waits first,
 * as a network round trip within a Region would, so that what partitions buy in the cloud shows
 * rather than what an emulator on this machine's two cores allows. 0 (no wait) everywhere else.
 */
function withAddedLatency<T extends DynamoDBClient>(client: T, ms: number): T {
  if (ms > 0) {
    client.middlewareStack.add(
      (next) => async (args) => {
        await new Promise((resolve) => setTimeout(resolve, ms));
        return next(args);
      },
      { step: 'finalizeRequest', name: 'addedLatency' },
    );
  }
  return client;
}

/** DynamoDB itself: for tables (create, delete, describe); items go through the document client. */
export const createDynamoDbClient = (config: DynamoDbConfig): DynamoDBClient =>
  captureClient(
    withAddedLatency(
      withoutSdkLogging(new DynamoDBClient(pointedAt(config.AWS_REGION, config.DYNAMODB_ENDPOINT))),
      config.DYNAMODB_ADDED_LATENCY_MS ?? 0,
    ),
  );

/** DynamoDB's items as plain objects, undefined attributes left out. */
export const createDocumentClient = (config: DynamoDbConfig): DynamoDBDocumentClient =>
  withoutSdkLogging(
    DynamoDBDocumentClient.from(createDynamoDbClient(config), {
      marshallOptions: { removeUndefinedValues: true },
    }),
  );

/** SQS over the Query protocol: sqslite speaks only that; AWS and LocalStack accept it too (architecture.md). */
export const createSqsClient = (config: SqsConfig): SQSClient =>
  captureClient(
    withoutSdkLogging(
      new SQSClient({
        protocol: AwsQueryProtocol,
        ...pointedAt(config.AWS_REGION, config.SQS_ENDPOINT),
      } as SQSClientConfig),
    ),
  );

/** Invokes the project's functions: the relay's wake-up, the issuer's keys, the operator's function. */
export const createLambdaClient = (config: LambdaConfig): LambdaClient =>
  captureClient(withoutSdkLogging(new LambdaClient(pointedAt(config.AWS_REGION, config.LAMBDA_ENDPOINT))));

/** Secrets Manager, in the cloud only: the Region is the Lambda's own (the SDK's default chain). */
export const createSecretsManagerClient = (): SecretsManagerClient =>
  captureClient(new SecretsManagerClient({}));
