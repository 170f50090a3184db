// A Lambda that brings the backend up to date from inside the VPC, where a private database and
// broker can be reached: the schema migrations and each job's PostgreSQL role, then the broker
// topology and each job's broker user (preparation.ts), as the database's owner and the broker's
// administrator, with the passwords in each job's secret. Run after each deploy:
//   npx serverless invoke --stage prod --function prepareBackend
import { brokerManagementUrlOf, credentialsFromSecret, fetchSecretJson } from '../shared/secrets.ts';
import { brokerJobs } from '../shared/brokerUsers.ts';
import { brokerUrl, databaseUrl, settings } from '../shared/config.ts';
import { databaseJobs } from '../shared/databaseRoles.ts';
import { logger } from '../shared/logger.ts';
import { traced } from '../shared/tracer.ts';
import { importThroughManagementApi } from './brokerPermissions.ts';
import { prepareBackend } from './preparation.ts';
import { MIGRATIONS_DIR } from './schemaMigrations.ts';

// the SQL files travel beside the bundle (serverless.yml's package patterns), not inside it
const migrationsDirectory = process.env.LAMBDA_TASK_ROOT
  ? `${process.env.LAMBDA_TASK_ROOT}/infra/deploy/migrations`
  : MIGRATIONS_DIR;

/** Each job's credentials, from the secret `arns` names for it. */
async function credentialsOfEach<Job extends string>(
  jobs: readonly Job[],
  arns: Record<string, string> | undefined,
  setting: string,
) {
  const entries = await Promise.all(
    jobs.map(async (job) => {
      const arn = arns?.[job];
      if (!arn) throw new Error(`Invalid configuration: ${setting}: names no secret for ${job}`);
      return [job, await credentialsFromSecret(arn, fetchSecretJson, `${setting}.${job}`)] as const;
    }),
  );
  return Object.fromEntries(entries) as Record<Job, { username: string; password: string }>;
}

export const handler = traced(async () => {
  if (!process.env.BROKER_SECRET_ARN) {
    throw new Error('Invalid configuration: BROKER_SECRET_ARN: is not set (the broker administrator’s)');
  }
  const administrator = await credentialsFromSecret(
    process.env.BROKER_SECRET_ARN,
    fetchSecretJson,
    'BROKER_SECRET_ARN',
  );
  const { migrations } = await prepareBackend({
    databaseUrl: await databaseUrl(),
    roles: await credentialsOfEach(
      databaseJobs,
      settings.DATABASE_ROLE_SECRET_ARNS,
      'DATABASE_ROLE_SECRET_ARNS',
    ),
    brokerUrl: await brokerUrl(),
    users: await credentialsOfEach(brokerJobs, settings.BROKER_USER_SECRET_ARNS, 'BROKER_USER_SECRET_ARNS'),
    importDefinitions: importThroughManagementApi(brokerManagementUrlOf(process.env), administrator),
    exchange: settings.EVENTS_EXCHANGE,
    migrationsDirectory,
    log: (message) => logger.info(message),
  });
  logger.info('backend prepared', { migrations });
  return { migrations, topology: 'ready' };
});
