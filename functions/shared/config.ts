// The one checked configuration of every function and tool, read once at module scope from the
// environment alone: a bad setting fails at cold start with its name instead of half-way through a
// request. Locally there are defaults for this machine; in the cloud nothing falls back to a local
// default, and the database and broker credentials come from Secrets Manager, each fetched when a
// function first connects (databaseUrl, brokerUrl) and again after a rotation (secrets.ts): a
// function that never connects, like every query, needs no secret and its role grants none.
import { z } from 'zod';
import { partitionsSetting } from '../projectors/streams.ts';
import {
  brokerUrlFromSecret,
  databasePasswordFromSecret,
  databaseUrlFromSecret,
  fetchSecretJson,
  unsetIfEmpty,
  type FetchOptions,
  type PasswordSource,
} from './secrets.ts';

const optionalUrl = z.preprocess(unsetIfEmpty, z.string().url().optional());

const LOCAL_DEFAULTS = {
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/cqrs_commerce',
  RABBITMQ_URL: 'amqp://guest:guest@127.0.0.1:5672',
};

const settingsSchema = z.object({
  /** locally; in the cloud DATABASE_SECRET_ARN stands for it (databaseUrl) */
  DATABASE_URL: optionalUrl,
  /** locally; in the cloud BROKER_SECRET_ARN and BROKER_ENDPOINT stand for it (brokerUrl) */
  RABBITMQ_URL: optionalUrl,
  EVENTS_EXCHANGE: z.string().min(1).default('domain-events'),
  PG_POOL_MAX: z.coerce.number().int().min(1).max(100).default(4),
  MAX_BODY_BYTES: z.coerce.number().int().min(1024).default(262_144),
  /** how a command wakes the relay: `notify` (PostgreSQL NOTIFY, locally) or `invoke` (async Lambda) */
  RELAY_WAKE: z.enum(['notify', 'invoke']).default('notify'),
  RELAY_FUNCTION_NAME: z.preprocess(unsetIfEmpty, z.string().optional()),
  RELAY_BATCH_SIZE: z.coerce.number().int().min(1).max(10_000).default(500),
  /** how long a projector may stand still short of its stream's head before the relay fills the gap */
  HEAL_GAPS_AFTER_MS: z.coerce.number().int().min(0).max(3_600_000).default(10_000),
  /** the most events the relay re-publishes to one stream at a time */
  HEAL_GAPS_LIMIT: z.coerce.number().int().min(1).max(50_000).default(2_000),
  /**
   * How many partitions each projection has, instead of the catalog's: `4` (every projection) or
   * `directory=4,invoices=2`. The template writes the counts it was built with here, so that the
   * functions agree with the queues and mappings it made (functions/projectors/streams.ts).
   */
  PROJECTION_PARTITIONS: z.preprocess(unsetIfEmpty, partitionsSetting.optional()),
  LAMBDA_ENDPOINT: optionalUrl,
  /** local DynamoDB (dynalite, LocalStack); unset in the cloud */
  DYNAMODB_ENDPOINT: optionalUrl,
  /** the benchmark's simulated round trip before every DynamoDB call (aws.ts); 0 everywhere else */
  DYNAMODB_ADDED_LATENCY_MS: z.coerce.number().int().min(0).max(1_000).default(0),
  /** local SQS (sqslite, LocalStack); unset in the cloud */
  SQS_ENDPOINT: optionalUrl,
  /** names the read-model tables and queues: `<prefix>-invoices`, `<prefix>-projector-dead-letters` */
  RESOURCE_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{3,200}$/)
    .default('cqrs-commerce-dev'),
  /** the longest a query waits for X-Min-Position */
  MAX_READ_WAIT_MS: z.coerce.number().int().min(0).max(30_000).default(2_000),
  AWS_REGION: z.string().default('us-east-1'),
  /**
   * The issuer whose bearer tokens protected routes require (the jwtIssuerUrl parameter in the cloud;
   * `npm run dev` with LOCAL_AUTH=on sets its test issuer); unset, the local stack is open and a
   * deployed stage closed.
   */
  AUTH_ISSUER_URL: optionalUrl,
  /**
   * Whom a token must be for, a comma-separated list: a Cognito user pool's app client ids (its
   * access tokens name their client in `client_id`), or another issuer's audiences (`aud`)
   */
  AUTH_AUDIENCE: z
    .string()
    .default('cqrs-commerce')
    .transform((list) =>
      list
        .split(',')
        .map((name) => name.trim())
        .filter(Boolean),
    )
    .pipe(z.array(z.string()).min(1, 'must name at least one audience')),
  /** the claim that makes an administrator when it holds AUTH_ADMIN_VALUE (an array, or a space-separated list) */
  AUTH_ADMIN_CLAIM: z.string().min(1).default('cognito:groups'),
  AUTH_ADMIN_VALUE: z.string().min(1).default('admin'),
  /**
   * Where the issuer's signing keys come from: `issuer` (its JWKS endpoint; locally) or `function`
   * (the issuerKeys function, which the functions inside the VPC reach through its Lambda endpoint)
   */
  AUTH_KEYS_FROM: z.enum(['issuer', 'function']).default('issuer'),
  ISSUER_KEYS_FUNCTION_NAME: z.preprocess(unsetIfEmpty, z.string().optional()),
});

export type Settings = z.infer<typeof settingsSchema>;

/** Every setting's name, as the environment spells it. */
export const settingNames = Object.keys(settingsSchema.shape) as (keyof Settings)[];

/** In a Lambda on AWS, as opposed to serverless-offline, tests and tools on this machine. */
export const runsInTheCloud = (env: NodeJS.ProcessEnv) =>
  Boolean(env.AWS_LAMBDA_FUNCTION_NAME) && !env.IS_OFFLINE;

export function readSettings(env: NodeJS.ProcessEnv = process.env, cloud = runsInTheCloud(env)): Settings {
  const withDefaults = cloud
    ? env
    : {
        ...env,
        DATABASE_URL: unsetIfEmpty(env.DATABASE_URL) ?? LOCAL_DEFAULTS.DATABASE_URL,
        RABBITMQ_URL: unsetIfEmpty(env.RABBITMQ_URL) ?? LOCAL_DEFAULTS.RABBITMQ_URL,
      };
  const parsed = settingsSchema.safeParse(withDefaults);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Invalid configuration: ${problems.join('; ')}`);
  }
  return parsed.data;
}

export const settings = readSettings();

/** A value loaded once per container; a failure is not kept, so the next call tries again. */
export function loadedOnce<T>(load: () => Promise<T>): () => Promise<T> {
  let loading: Promise<T> | undefined;
  return () =>
    (loading ??= load().catch((error: unknown) => {
      loading = undefined;
      throw error;
    }));
}

function required(value: string | undefined, name: string, alternative: string): string {
  if (!value) throw new Error(`Invalid configuration: ${name}: is not set (nor ${alternative})`);
  return value;
}

/**
 * The PostgreSQL connection string: built from DATABASE_SECRET_ARN's current secret if set (kept for
 * a few minutes; `forceFetch` fetches it now), else DATABASE_URL.
 */
export const databaseUrl = async (options?: FetchOptions): Promise<string> =>
  process.env.DATABASE_SECRET_ARN
    ? databaseUrlFromSecret(process.env, fetchSecretJson, options)
    : required(settings.DATABASE_URL, 'DATABASE_URL', 'DATABASE_SECRET_ARN');

/**
 * Where a pool connects, and, from a secret, where each new connection takes its password: the
 * secret's current one, so that connections opened after a rotation sign in with the new password.
 */
export async function databaseConnection(): Promise<{ url: string; password?: PasswordSource }> {
  const url = await databaseUrl();
  return process.env.DATABASE_SECRET_ARN
    ? { url, password: databasePasswordFromSecret(process.env, fetchSecretJson) }
    : { url };
}

/**
 * The RabbitMQ connection string: built from BROKER_SECRET_ARN's current secret and BROKER_ENDPOINT if
 * set (`forceFetch` after the broker refused the last one), else RABBITMQ_URL.
 */
export const brokerUrl = async (options?: FetchOptions): Promise<string> =>
  process.env.BROKER_SECRET_ARN
    ? brokerUrlFromSecret(process.env, fetchSecretJson, options)
    : required(settings.RABBITMQ_URL, 'RABBITMQ_URL', 'BROKER_SECRET_ARN');
