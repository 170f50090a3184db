// `osls package` as a user runs it for the cloud: offline, with no credentials, from a shell without
// the local settings serverless.yml reads for `npm run dev` (a deployed function would carry them).
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { CloudFormationTemplate } from '../../infra/aws/cloudFormationSpec.ts';

const run = promisify(execFile);
const projectRoot = fileURLToPath(new URL('../..', import.meta.url));
const serverlessBin = `${projectRoot}node_modules/serverless/bin/serverless.js`;

/** What serverless.yml reads from the environment, and the credentials packaging must not need. */
const LOCAL_SETTINGS = [
  'DATABASE_URL',
  'RABBITMQ_URL',
  'DYNAMODB_ENDPOINT',
  'SQS_ENDPOINT',
  'AUTH_ISSUER_URL',
  'AUTH_AUDIENCE',
  'RESOURCE_PREFIX',
  'RELAY_WAKE',
  'LOG_LEVEL',
  'PG_POOL_MAX',
  'HEAL_GAPS_AFTER_MS',
  'CORS_ALLOWED_ORIGINS',
  'POWERTOOLS_METRICS_DISABLED',
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_PROFILE',
];

export interface PackageOptions {
  stage: string;
  region?: string;
  /** stage parameters, `--param name=value` */
  params?: Record<string, string>;
  /** what the shell sets besides, e.g. a local setting packaging must refuse */
  env?: Record<string, string>;
}

/** Packages the service into `directory` and returns the CloudFormation template it wrote. */
export async function packageService(
  directory: string,
  options: PackageOptions,
): Promise<CloudFormationTemplate> {
  const env: NodeJS.ProcessEnv = { ...process.env, SLS_TELEMETRY_DISABLED: '1' };
  for (const name of LOCAL_SETTINGS) delete env[name];
  Object.assign(env, options.env);
  const args = ['package', '--stage', options.stage, '--package', directory];
  if (options.region) args.push('--region', options.region);
  for (const [name, value] of Object.entries(options.params ?? {})) args.push('--param', `${name}=${value}`);
  await run(process.execPath, [serverlessBin, ...args], { cwd: projectRoot, env, timeout: 240_000 });
  return JSON.parse(await readFile(`${directory}/cloudformation-template-update-stack.json`, 'utf8'));
}
