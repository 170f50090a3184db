// The process's own AWS clients, built from the settings in force on first use and kept (once per
// Lambda container); built again after `configure` gives other settings (a test's emulators). The
// factories, for a client from other configuration, are in awsClients.ts.
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { createDocumentClient, createLambdaClient, createSqsClient } from './awsClients.ts';
import { currentSettings, type Settings } from './config.ts';

/**
 * The client built from the settings in force, kept until one of those it is built from changes (a
 * test that wraps the client keeps its wrapper while it configures something else).
 */
function clientOfSettings<K extends keyof Settings, T>(
  names: readonly K[],
  create: (config: Pick<Settings, K>) => T,
): () => T {
  let kept: { settings: Settings; key: string; client: T } | undefined;
  return () => {
    const settings = currentSettings();
    if (kept?.settings === settings) return kept.client;
    const config = Object.fromEntries(names.map((name) => [name, settings[name]])) as Pick<Settings, K>;
    const key = JSON.stringify(config);
    kept = { settings, key, client: kept?.key === key ? kept.client : create(config) };
    return kept.client;
  };
}

export const dynamoDb: () => DynamoDBDocumentClient = clientOfSettings(
  ['AWS_REGION', 'DYNAMODB_ENDPOINT', 'DYNAMODB_ADDED_LATENCY_MS'],
  createDocumentClient,
);

export const sqs: () => SQSClient = clientOfSettings(['AWS_REGION', 'SQS_ENDPOINT'], createSqsClient);

/** Invokes the project's other functions: the relay's wake-up, the issuer's keys. */
export const lambda: () => LambdaClient = clientOfSettings(
  ['AWS_REGION', 'LAMBDA_ENDPOINT'],
  createLambdaClient,
);
