// The AWS clients, created once per container from the checked config, each captured by the tracer
// (a no-op where tracing is off). Locally they point at the embedded dynalite and sqslite (or
// LocalStack) through *_ENDPOINT settings.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { LambdaClient } from '@aws-sdk/client-lambda';
import { SQSClient, type SQSClientConfig } from '@aws-sdk/client-sqs';
import { AwsQueryProtocol } from '@aws-sdk/config/protocol';
import { settings } from './config.ts';
import { captureClient } from './tracer.ts';

/** Emulators accept any key; only the cloud needs real credentials (from the Lambda role). */
const localCredentials = (endpoint: string | undefined) =>
  endpoint && !process.env.AWS_ACCESS_KEY_ID
    ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
    : {};

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

let documentClient: DynamoDBDocumentClient | undefined;
let queueClient: SQSClient | undefined;
let functionClient: LambdaClient | undefined;

export function dynamoDb(): DynamoDBDocumentClient {
  documentClient ??= withoutSdkLogging(
    DynamoDBDocumentClient.from(
      captureClient(
        withAddedLatency(
          withoutSdkLogging(
            new DynamoDBClient({
              region: settings.AWS_REGION,
              ...(settings.DYNAMODB_ENDPOINT ? { endpoint: settings.DYNAMODB_ENDPOINT } : {}),
              ...localCredentials(settings.DYNAMODB_ENDPOINT),
            }),
          ),
          settings.DYNAMODB_ADDED_LATENCY_MS,
        ),
      ),
      { marshallOptions: { removeUndefinedValues: true } },
    ),
  );
  return documentClient;
}

export function sqs(): SQSClient {
  // sqslite speaks only the Query protocol; AWS and LocalStack accept it too (architecture.md)
  queueClient ??= captureClient(
    withoutSdkLogging(
      new SQSClient({
        protocol: AwsQueryProtocol,
        region: settings.AWS_REGION,
        ...(settings.SQS_ENDPOINT ? { endpoint: settings.SQS_ENDPOINT } : {}),
        ...localCredentials(settings.SQS_ENDPOINT),
      } as SQSClientConfig),
    ),
  );
  return queueClient;
}

/** Invokes the project's other functions: the relay's wake-up, the issuer's keys. */
export function lambda(): LambdaClient {
  functionClient ??= captureClient(
    withoutSdkLogging(
      new LambdaClient({
        region: settings.AWS_REGION,
        ...(settings.LAMBDA_ENDPOINT ? { endpoint: settings.LAMBDA_ENDPOINT } : {}),
      }),
    ),
  );
  return functionClient;
}
