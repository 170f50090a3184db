// The AWS clients, created once per container from the checked config. Locally they point at the
// embedded dynalite and sqslite (or LocalStack) through *_ENDPOINT settings.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { SQSClient, type SQSClientConfig } from '@aws-sdk/client-sqs';
import { AwsQueryProtocol } from '@aws-sdk/config/protocol';
import { settings } from './config.ts';

/** Emulators accept any key; only the cloud needs real credentials (from the Lambda role). */
const localCredentials = (endpoint: string | undefined) =>
  endpoint && !process.env.AWS_ACCESS_KEY_ID
    ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
    : {};

let documentClient: DynamoDBDocumentClient | undefined;
let queueClient: SQSClient | undefined;

export function dynamoDb(): DynamoDBDocumentClient {
  documentClient ??= DynamoDBDocumentClient.from(
    new DynamoDBClient({
      region: settings.AWS_REGION,
      ...(settings.DYNAMODB_ENDPOINT ? { endpoint: settings.DYNAMODB_ENDPOINT } : {}),
      ...localCredentials(settings.DYNAMODB_ENDPOINT),
    }),
    { marshallOptions: { removeUndefinedValues: true } },
  );
  return documentClient;
}

export function sqs(): SQSClient {
  // sqslite speaks only the Query protocol; AWS and LocalStack accept it too (architecture.md)
  queueClient ??= new SQSClient({
    protocol: AwsQueryProtocol,
    region: settings.AWS_REGION,
    ...(settings.SQS_ENDPOINT ? { endpoint: settings.SQS_ENDPOINT } : {}),
    ...localCredentials(settings.SQS_ENDPOINT),
  } as SQSClientConfig);
  return queueClient;
}
