// In the cloud the database and broker credentials live in Secrets Manager (as RDS and Amazon MQ
// keep them), not in the environment: the functions get the secrets' ARNs and build a connection
// string when they first connect (config.ts), each from the one secret it needs. A secret is read
// through Powertools Parameters and kept for SECRET_MAX_AGE_SECONDS: a connection opened after a
// rotation takes the new password within that time, or at once when the server refuses the old one
// (the caller fetches again with `forceFetch`).
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { z } from 'zod';
import { createSecretsManagerClient } from './awsClients.ts';

/** How long a fetched secret is used before the next connection fetches it again. */
export const SECRET_MAX_AGE_SECONDS = 300;

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

export interface FetchOptions {
  /** fetch now, whatever the age of the copy in hand: the server refused what it holds */
  forceFetch?: boolean;
}

export type FetchSecret = (arn: string, options?: FetchOptions) => Promise<unknown>;

/**
 * Secrets Manager through Powertools Parameters, each secret kept `maxAgeSeconds`. Fetches of one
 * secret at the same moment (a pool opening its connections together) share one call. `client`
 * makes the SDK client, on first use: a function that never connects creates none.
 */
export function secretsManagerSecrets(
  options: { client?: () => SecretsManagerClient; maxAgeSeconds?: number } = {},
): FetchSecret {
  const maxAge = options.maxAgeSeconds ?? SECRET_MAX_AGE_SECONDS;
  let provider: SecretsProvider | undefined;
  const inFlight = new Map<string, Promise<unknown>>();
  const fetchNow = async (arn: string, forceFetch: boolean) => {
    provider ??= new SecretsProvider(options.client ? { awsSdkV3Client: options.client() } : {});
    const text = await provider.get(arn, { maxAge, forceFetch });
    try {
      return JSON.parse(typeof text === 'string' ? text : '{}');
    } catch {
      // JSON.parse's message quotes the text it failed on: the secret itself
      throw new Error(`Invalid configuration: the secret ${arn} is not JSON`);
    }
  };
  return (arn, { forceFetch = false } = {}) => {
    // a forced fetch never joins one that may answer from the copy in hand
    const key = `${forceFetch}:${arn}`;
    let fetching = inFlight.get(key);
    if (!fetching) {
      fetching = fetchNow(arn, forceFetch).finally(() => inFlight.delete(key));
      inFlight.set(key, fetching);
    }
    return fetching;
  };
}

/** The container's secrets (in the cloud; locally nothing reads one). */
export const fetchSecretJson: FetchSecret = secretsManagerSecrets({ client: createSecretsManagerClient });

function parseSecret<T>(schema: z.ZodType<T>, value: unknown, setting: string): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    throw new Error(
      `Invalid configuration: ${setting}: the secret lacks ${parsed.error.issues[0]!.path.join('.')}`,
    );
  }
  return parsed.data;
}

const readDatabaseSecret = async (env: NodeJS.ProcessEnv, fetchSecret: FetchSecret, options?: FetchOptions) =>
  parseSecret(databaseSecret, await fetchSecret(env.DATABASE_SECRET_ARN!, options), 'DATABASE_SECRET_ARN');

/**
 * DATABASE_URL from DATABASE_SECRET_ARN. DATABASE_HOST and DATABASE_NAME, when set, win over the
 * secret's `host` and `dbname`: the host a function is given says which way it goes (the commands
 * through RDS Proxy, the relay to the instance itself), and a secret in the RDS format that names the
 * instance must not quietly send the commands past the proxy.
 */
export async function databaseUrlFromSecret(
  env: NodeJS.ProcessEnv,
  fetchSecret: FetchSecret,
  options?: FetchOptions,
): Promise<string> {
  const secret = await readDatabaseSecret(env, fetchSecret, options);
  const host = unsetIfEmpty(env.DATABASE_HOST) ?? secret.host;
  if (!host) throw new Error('Invalid configuration: DATABASE_HOST: is not set (nor host in the secret)');
  const port = secret.port ?? (Number(unsetIfEmpty(env.DATABASE_PORT)) || 5432);
  const name = unsetIfEmpty(env.DATABASE_NAME) ?? secret.dbname ?? 'postgres';
  const url = new URL(`postgres://${host}:${port}/${encodeURIComponent(name)}`);
  url.username = encodeURIComponent(secret.username);
  url.password = encodeURIComponent(secret.password);
  // the server's certificate must chain to a trusted authority (NODE_EXTRA_CA_CERTS adds the RDS
  // ones the Lambda runtime ships) and name the host: node-postgres 8 treats `require` so too, but
  // warns that its next major will not, as libpq does not
  url.searchParams.set('sslmode', 'verify-full');
  return url.toString();
}

/** The password a new PostgreSQL connection signs in with; `forceFetch` after the server refused one. */
export type PasswordSource = (options?: FetchOptions) => Promise<string>;

/** DATABASE_SECRET_ARN's current password, for each new connection of a pool. */
export const databasePasswordFromSecret =
  (env: NodeJS.ProcessEnv, fetchSecret: FetchSecret): PasswordSource =>
  async (options) =>
    (await readDatabaseSecret(env, fetchSecret, options)).password;

/** A job's username and password, from the secret at `arn` (RDS's format or Amazon MQ's: both have them). */
export async function credentialsFromSecret(
  arn: string,
  fetchSecret: FetchSecret,
  setting: string,
): Promise<{ username: string; password: string }> {
  const { username, password } = parseSecret(brokerSecret, await fetchSecret(arn), setting);
  return { username, password };
}

/**
 * Where prepareBackend reaches the broker's management API: BROKER_MANAGEMENT_URL, else
 * BROKER_ENDPOINT's host over HTTPS, where Amazon MQ serves its console and API.
 */
export function brokerManagementUrlOf(env: NodeJS.ProcessEnv): string {
  const given = unsetIfEmpty(env.BROKER_MANAGEMENT_URL);
  if (given) return given;
  if (!unsetIfEmpty(env.BROKER_ENDPOINT))
    throw new Error('Invalid configuration: BROKER_MANAGEMENT_URL: is not set (nor BROKER_ENDPOINT)');
  return `https://${new URL(env.BROKER_ENDPOINT!).hostname}`;
}

/** RABBITMQ_URL from BROKER_SECRET_ARN and BROKER_ENDPOINT (e.g. amqps://b-1234.mq.us-east-1.amazonaws.com:5671). */
export async function brokerUrlFromSecret(
  env: NodeJS.ProcessEnv,
  fetchSecret: FetchSecret,
  options?: FetchOptions,
): Promise<string> {
  if (!unsetIfEmpty(env.BROKER_ENDPOINT))
    throw new Error('Invalid configuration: BROKER_ENDPOINT: is not set');
  const secret = parseSecret(
    brokerSecret,
    await fetchSecret(env.BROKER_SECRET_ARN!, options),
    'BROKER_SECRET_ARN',
  );
  const url = new URL(env.BROKER_ENDPOINT!);
  url.username = encodeURIComponent(secret.username);
  url.password = encodeURIComponent(secret.password);
  // the virtual host the projectors' event source mappings consume from (`/` when unset)
  const virtualHost = unsetIfEmpty(env.BROKER_VIRTUAL_HOST);
  if (virtualHost && virtualHost !== '/') url.pathname = `/${encodeURIComponent(virtualHost)}`;
  return url.toString();
}
