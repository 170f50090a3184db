// dynalite and sqslite in-process for a test file, with the read-model tables under a unique prefix;
// the environment is set before the code under test reads its configuration.
import { randomBytes } from 'node:crypto';
import { createReadModelResources, startLocalAws, type LocalAws } from '../../infra/dev/localAws.ts';

export async function startTestAws(env: Record<string, string> = {}): Promise<LocalAws & { prefix: string }> {
  const aws = await startLocalAws();
  const prefix = `test-${randomBytes(4).toString('hex')}`;
  await createReadModelResources(prefix, aws);
  Object.assign(process.env, {
    DYNAMODB_ENDPOINT: aws.dynamoDbEndpoint,
    SQS_ENDPOINT: aws.sqsEndpoint,
    RESOURCE_PREFIX: prefix,
    POWERTOOLS_LOG_LEVEL: 'ERROR',
    ...env,
  });
  return { ...aws, prefix };
}
