// The one checked configuration of every function and tool. It is read when first asked for, from
// the environment and whatever the code gave with `configure` (a test's database, a tool's emulator
// endpoints), which wins over the environment; so nothing needs to set process.env before importing
// the code it runs. In a Lambda the environment is the whole configuration, and it is checked at cold
// start (at the bottom of this file), as Powertools checks its own: a bad setting fails with its name
// before the first request instead of half-way through one. Locally there are defaults for this
// machine; in the cloud nothing falls back to a local default, and the database and broker
// credentials come from Secrets Manager, each fetched when a function first connects
// (databaseConnection, jobBrokerUrl) and again after a rotation (secrets.ts): a function that never
// connects, like every query, needs no secret and its role grants none. Each job connects as its own
// role and user (databaseRoles.ts, brokerUsers.ts): in the cloud the secret a function is given is its
// job's; locally the job's credentials derive from DATABASE_URL's and RABBITMQ_URL's
// (localCredentials.ts), which tools use as they are, as the owner and administrator. The clients
// built from this configuration are in awsClients.ts (the factories) and aws.ts, postgres.ts (the
// process's own, built from `settings`).
import { z } from 'zod';
import { partitionsSetting } from '../projectors/partitionsSetting.ts';
import { configurationVersion, configuredEnvironment, given } from './givenSettings.ts';
import type { BrokerJob } from './brokerUsers.ts';
import type { DatabaseJob } from './databaseRoles.ts';
import { localJobBrokerUrl, localJobDatabaseUrl } from './localCredentials.ts';
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
/** A JSON object of secret ARNs by job, e.g. `{"relay": "arn:…"}` (prepareBackend's). */
const secretArnsByJob = z.preprocess(
  (value) => {
    if (unsetIfEmpty(value) === undefined) return undefined;
    try {
      return JSON.parse(String(value));
    } catch {
      return value;
    }
  },
  z.record(z.string(), z.string().min(1)).optional(),
);

const LOCAL_DEFAULTS = {
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/cqrs_commerce',
  RABBITMQ_URL: 'amqp://guest:guest@127.0.0.1:5672',
};

const settingsSchema = z.object({
  /** locally; in the cloud DATABASE_SECRET_ARN stands for it (databaseUrl) */
  DATABASE_URL: optionalUrl,
  /** locally; in the cloud BROKER_SECRET_ARN and BROKER_ENDPOINT stand for it (brokerUrl) */
  RABBITMQ_URL: optionalUrl,
  /**
   * prepareBackend's, in the cloud: each job's secret, whose username and password it gives that
   * job's PostgreSQL role and broker user; and where the broker's management API is (by default
   * BROKER_ENDPOINT's host over HTTPS, where Amazon MQ serves it)
   */
  DATABASE_ROLE_SECRET_ARNS: secretArnsByJob,
  BROKER_USER_SECRET_ARNS: secretArnsByJob,
  BROKER_MANAGEMENT_URL: optionalUrl,
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
  /**
   * The longest a query waits for X-Min-Position. At most 5 s: the wait holds a Lambda (the query
   * functions end at 10 s), and a read model further behind than that is better told (`stale`)
   * than waited for.
   */
  MAX_READ_WAIT_MS: z.coerce.number().int().min(0).max(5_000).default(2_000),
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

/**
 * What code may give instead of the environment: settings, and the cloud's connection variables
 * (DATABASE_SECRET_ARN, BROKER_ENDPOINT...), as the environment spells them. `undefined` unsets one.
 */
export type GivenSettings = Partial<Record<keyof Settings | ConnectionVariable, string | undefined>>;

/** Read at call time beside the settings: where a function's secrets and broker are, in the cloud. */
type ConnectionVariable =
  | 'DATABASE_SECRET_ARN'
  | 'DATABASE_HOST'
  | 'DATABASE_PORT'
  | 'DATABASE_NAME'
  | 'BROKER_SECRET_ARN'
  | 'BROKER_ENDPOINT'
  | 'BROKER_VIRTUAL_HOST';

let current: { version: number; settings: Settings } | undefined;

export { configurationVersion, configuredEnvironment };

/** The settings in force: read and checked on the first call, and again after `configure`. */
export function currentSettings(): Settings {
  if (current?.version !== given.version) {
    current = { version: given.version, settings: readSettings(configuredEnvironment()) };
  }
  return current.settings;
}

/**
 * Gives settings in code, over the environment and over what was given before (a test's database,
 * a tool's endpoints), and checks them at once: a bad value fails here, with its name. The process's
 * own clients (aws.ts, postgres.ts) are built again from the new settings when next asked for.
 */
export function configure(values: GivenSettings): Settings {
  const before = given.values;
  given.values = { ...before, ...values };
  given.version += 1;
  try {
    return currentSettings();
  } catch (error) {
    given.values = before;
    given.version += 1;
    throw error;
  }
}

/** Forgets what was given: the settings are the environment's again (a test's cleanup). */
export function resetConfiguration(): void {
  given.values = {};
  given.version += 1;
}

/**
 * The settings in force, as an object that reads them on first use: `settings.RESOURCE_PREFIX`
 * reads as it always did, wherever it is written, without fixing the configuration at import.
 */
export const settings: Readonly<Settings> = new Proxy({} as Settings, {
  get: (_, name) => Reflect.get(currentSettings(), name),
  has: (_, name) => Reflect.has(currentSettings(), name),
  ownKeys: () => Reflect.ownKeys(currentSettings()),
  getOwnPropertyDescriptor: (_, name) => {
    const descriptor = Reflect.getOwnPropertyDescriptor(currentSettings(), name);
    return descriptor && { ...descriptor, configurable: true };
  },
  set: (_, name) => {
    throw new Error(`settings.${String(name)} cannot be assigned: give it with configure()`);
  },
});

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
 * Whether credentials come from Secrets Manager: in a Lambda on AWS, from the secrets its environment
 * names; on this machine (serverless-offline, tools, tests) from DATABASE_URL and RABBITMQ_URL,
 * whatever the template's environment names (serverless-offline hands the functions its secrets'
 * placeholders, and the stack's own secrets' references unresolved).
 */
const fromSecret = (name: 'DATABASE_SECRET_ARN' | 'BROKER_SECRET_ARN', local: string): boolean => {
  const env = configuredEnvironment();
  if (!runsInTheCloud(env)) return false;
  required(unsetIfEmpty(env[name]), name, local);
  return true;
};

/**
 * The PostgreSQL connection string: built from DATABASE_SECRET_ARN's current secret in the cloud (kept
 * for a few minutes; `forceFetch` fetches it now), else DATABASE_URL (the owner's, locally).
 */
export const databaseUrl = async (options?: FetchOptions): Promise<string> =>
  fromSecret('DATABASE_SECRET_ARN', 'DATABASE_URL')
    ? databaseUrlFromSecret(configuredEnvironment(), fetchSecretJson, options)
    : required(settings.DATABASE_URL, 'DATABASE_URL', 'DATABASE_SECRET_ARN');

/**
 * Where a job's pool connects, as its role, and, from a secret, where each new connection takes its
 * password: the secret's current one, so that connections opened after a rotation sign in with the
 * new password. In the cloud the function's DATABASE_SECRET_ARN is its job's (serverless.yml);
 * locally the job's role on DATABASE_URL's database.
 */
export async function databaseConnection(
  job: DatabaseJob,
): Promise<{ url: string; password?: PasswordSource }> {
  if (fromSecret('DATABASE_SECRET_ARN', 'DATABASE_URL')) {
    return {
      url: await databaseUrl(),
      password: databasePasswordFromSecret(configuredEnvironment(), fetchSecretJson),
    };
  }
  return {
    url: localJobDatabaseUrl(required(settings.DATABASE_URL, 'DATABASE_URL', 'DATABASE_SECRET_ARN'), job),
  };
}

/**
 * Where the broker listens, and nothing to sign in with: BROKER_ENDPOINT in the cloud, else
 * RABBITMQ_URL's host and port (its user and password are dropped). For the health check, which
 * proves the broker answers without holding a broker user (functions/health/dependencyChecks.ts).
 */
export function brokerAddress(): { tls: boolean; host: string; port: number } {
  const url = new URL(
    unsetIfEmpty(configuredEnvironment().BROKER_ENDPOINT) ??
      required(settings.RABBITMQ_URL, 'RABBITMQ_URL', 'BROKER_ENDPOINT'),
  );
  const tls = url.protocol === 'amqps:';
  return { tls, host: url.hostname, port: Number(url.port) || (tls ? 5671 : 5672) };
}

/**
 * The RabbitMQ connection string: built from BROKER_SECRET_ARN's current secret and BROKER_ENDPOINT if
 * set (`forceFetch` after the broker refused the last one), else RABBITMQ_URL (the administrator's,
 * locally: what tools and prepareBackend use).
 */
export const brokerUrl = async (options?: FetchOptions): Promise<string> =>
  fromSecret('BROKER_SECRET_ARN', 'RABBITMQ_URL')
    ? brokerUrlFromSecret(configuredEnvironment(), fetchSecretJson, options)
    : required(settings.RABBITMQ_URL, 'RABBITMQ_URL', 'BROKER_SECRET_ARN');

/**
 * A job's RabbitMQ connection string, as its user: in the cloud from the function's BROKER_SECRET_ARN
 * (its job's), locally the job's user on RABBITMQ_URL's virtual host.
 */
export const jobBrokerUrl =
  (job: BrokerJob) =>
  async (options?: FetchOptions): Promise<string> =>
    fromSecret('BROKER_SECRET_ARN', 'RABBITMQ_URL')
      ? brokerUrlFromSecret(configuredEnvironment(), fetchSecretJson, options)
      : localJobBrokerUrl(required(settings.RABBITMQ_URL, 'RABBITMQ_URL', 'BROKER_SECRET_ARN'), job);

// In a Lambda nothing is given: the environment is the configuration, checked at cold start so that a
// bad setting fails with its name before the first request (serverless-offline declares the name too).
if (process.env.AWS_LAMBDA_FUNCTION_NAME) currentSettings();
