// In the cloud the database and broker credentials live in Secrets Manager (as RDS and Amazon MQ
// keep them), not in the environment: the functions get the secrets' ARNs and build a connection
// string when they first connect (config.ts), each from the one secret it needs.
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { z } from 'zod';

/**
 * RDS's secret shape. A secret RDS manages for its master user holds only the username and
 * password; the host and database name then come from DATABASE_HOST and DATABASE_NAME.
 */
const databaseSecret = z.object({
  username: z.string(),
  password: z.string(),
  host: z.string().optional(),
  port: z.coerce.number().int().optional(),
  dbname: z.string().optional(),
});
const brokerSecret = z.object({ username: z.string(), password: z.string() });

/** serverless.yml renders an unset variable as '' */
export const unsetIfEmpty = <T>(value: T): T | undefined => (value === '' ? undefined : value);

export type FetchSecret = (arn: string) => Promise<unknown>;

export const fetchSecretJson: FetchSecret = async (arn) => {
  const client = new SecretsManagerClient({});
  try {
    const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: arn }));
    try {
      return JSON.parse(SecretString ?? '{}');
    } catch {
      // JSON.parse's message quotes the text it failed on: the secret itself
      throw new Error(`Invalid configuration: the secret ${arn} is not JSON`);
    }
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

/** DATABASE_URL from DATABASE_SECRET_ARN, with DATABASE_HOST and DATABASE_NAME where the secret lacks them. */
export async function databaseUrlFromSecret(
  env: NodeJS.ProcessEnv,
  fetchSecret: FetchSecret,
): Promise<string> {
  const secret = parseSecret(
    databaseSecret,
    await fetchSecret(env.DATABASE_SECRET_ARN!),
    'DATABASE_SECRET_ARN',
  );
  const host = secret.host ?? unsetIfEmpty(env.DATABASE_HOST);
  if (!host) throw new Error('Invalid configuration: DATABASE_HOST: is not set (nor host in the secret)');
  const port = secret.port ?? (Number(unsetIfEmpty(env.DATABASE_PORT)) || 5432);
  const name = secret.dbname ?? unsetIfEmpty(env.DATABASE_NAME) ?? 'postgres';
  const url = new URL(`postgres://${host}:${port}/${encodeURIComponent(name)}`);
  url.username = encodeURIComponent(secret.username);
  url.password = encodeURIComponent(secret.password);
  url.searchParams.set('sslmode', 'require');
  return url.toString();
}

/** RABBITMQ_URL from BROKER_SECRET_ARN and BROKER_ENDPOINT (e.g. amqps://b-1234.mq.us-east-1.amazonaws.com:5671). */
export async function brokerUrlFromSecret(env: NodeJS.ProcessEnv, fetchSecret: FetchSecret): Promise<string> {
  if (!unsetIfEmpty(env.BROKER_ENDPOINT))
    throw new Error('Invalid configuration: BROKER_ENDPOINT: is not set');
  const secret = parseSecret(brokerSecret, await fetchSecret(env.BROKER_SECRET_ARN!), 'BROKER_SECRET_ARN');
  const url = new URL(env.BROKER_ENDPOINT!);
  url.username = encodeURIComponent(secret.username);
  url.password = encodeURIComponent(secret.password);
  // the virtual host the projectors' event source mappings consume from (`/` when unset)
  const virtualHost = unsetIfEmpty(env.BROKER_VIRTUAL_HOST);
  if (virtualHost && virtualHost !== '/') url.pathname = `/${encodeURIComponent(virtualHost)}`;
  return url.toString();
}
