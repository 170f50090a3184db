// In the cloud the database and broker credentials live in Secrets Manager (as RDS and Amazon MQ
// keep them), not in the environment: the functions get the secrets' ARNs and build their
// connection strings at cold start.
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { z } from 'zod';

/** RDS's secret shape */
const databaseSecret = z.object({
  username: z.string(),
  password: z.string(),
  host: z.string(),
  port: z.coerce.number().int().default(5432),
  dbname: z.string().default('postgres'),
});
const brokerSecret = z.object({ username: z.string(), password: z.string() });

export type FetchSecret = (arn: string) => Promise<unknown>;

export const fetchSecretJson: FetchSecret = async (arn) => {
  const client = new SecretsManagerClient({});
  try {
    const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: arn }));
    return JSON.parse(SecretString ?? '{}');
  } finally {
    client.destroy();
  }
};

function parseSecret<T>(schema: z.ZodType<T>, value: unknown, setting: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new Error(
      `Invalid configuration: ${setting}: the secret lacks ${parsed.error.issues[0]!.path.join('.')}`,
    );
  }
  return parsed.data;
}

/**
 * DATABASE_URL from DATABASE_SECRET_ARN; RABBITMQ_URL from BROKER_SECRET_ARN and BROKER_ENDPOINT
 * (e.g. amqps://b-1234.mq.us-east-1.amazonaws.com:5671). Settings without an ARN are left alone.
 */
export async function connectionSettingsFromSecrets(
  env: NodeJS.ProcessEnv,
  fetchSecret: FetchSecret,
): Promise<{ DATABASE_URL?: string; RABBITMQ_URL?: string }> {
  const settings: { DATABASE_URL?: string; RABBITMQ_URL?: string } = {};
  if (env.DATABASE_SECRET_ARN) {
    const secret = parseSecret(
      databaseSecret,
      await fetchSecret(env.DATABASE_SECRET_ARN),
      'DATABASE_SECRET_ARN',
    );
    const url = new URL(`postgres://${secret.host}:${secret.port}/${encodeURIComponent(secret.dbname)}`);
    url.username = encodeURIComponent(secret.username);
    url.password = encodeURIComponent(secret.password);
    url.searchParams.set('sslmode', 'require');
    settings.DATABASE_URL = url.toString();
  }
  if (env.BROKER_SECRET_ARN) {
    if (!env.BROKER_ENDPOINT) throw new Error('Invalid configuration: BROKER_ENDPOINT: is not set');
    const secret = parseSecret(brokerSecret, await fetchSecret(env.BROKER_SECRET_ARN), 'BROKER_SECRET_ARN');
    const url = new URL(env.BROKER_ENDPOINT);
    url.username = encodeURIComponent(secret.username);
    url.password = encodeURIComponent(secret.password);
    settings.RABBITMQ_URL = url.toString();
  }
  return settings;
}
