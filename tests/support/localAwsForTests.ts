// dynalite and sqslite in-process for a test file, with the read-model tables under a unique prefix,
// given to the code under test as its configuration.
import { randomBytes } from 'node:crypto';
import { configure, type GivenSettings } from '../../functions/shared/config.ts';
import { createReadModelResources, startLocalAws, type LocalAws } from '../../infra/local/localAws.ts';
import { logAtLeast, type LogLevel } from './logLevel.ts';

export async function startTestAws({
  POWERTOOLS_LOG_LEVEL = 'ERROR',
  ...given
}: GivenSettings & { POWERTOOLS_LOG_LEVEL?: LogLevel } = {}): Promise<LocalAws & { prefix: string }> {
  const aws = await startLocalAws();
  const prefix = `test-${randomBytes(4).toString('hex')}`;
  await createReadModelResources(prefix, aws);
  configure({
    DYNAMODB_ENDPOINT: aws.dynamoDbEndpoint,
    SQS_ENDPOINT: aws.sqsEndpoint,
    RESOURCE_PREFIX: prefix,
    ...given,
  });
  logAtLeast(POWERTOOLS_LOG_LEVEL);
  return { ...aws, prefix };
}
