// The broker users' secrets, one per job (the relay, each projection of the catalog), made by the
// service's own stack: a password Secrets Manager generates, and the username `<prefix>.<job>`.
// prepareBackend reads them and creates the users with these passwords (through the broker's
// management API, as its administrator); the relay reads its own, and each projection's event
// source mappings sign in with theirs (BASIC_AUTH). Nothing outside this stack needs them, so the
// foundation does not make them, and a projection added to the catalog brings its user along.
import { brokerJobs, type BrokerJob } from '../../functions/shared/brokerUsers.ts';
import { logicalId } from './logicalIds.ts';

/** CloudFormation's name for the job's secret, e.g. RelayBrokerUserSecret. */
export const brokerUserSecretId = (job: BrokerJob) => `${logicalId(job)}BrokerUserSecret`;

/** The secret's ARN (a secret's Ref is its ARN). */
export const brokerUserSecretArn = (job: BrokerJob) => ({ Ref: brokerUserSecretId(job) });

/** The cloud's broker username of a job (locally: brokerUsers.ts's localBrokerUserName). */
export const cloudBrokerUserName = (prefix: string, job: BrokerJob) => `${prefix}.${job}`;

export function brokerUserSecretResources(prefix: string) {
  return Object.fromEntries(
    brokerJobs.map((job) => [
      brokerUserSecretId(job),
      {
        Type: 'AWS::SecretsManager::Secret',
        Properties: {
          Description: `${prefix}: the broker user of ${job === 'relay' ? 'the relay' : `the ${job} projector's mappings`}`,
          GenerateSecretString: {
            SecretStringTemplate: JSON.stringify({ username: cloudBrokerUserName(prefix, job) }),
            GenerateStringKey: 'password',
            PasswordLength: 32,
            // what Amazon MQ refuses in passwords, and what a URL would have to escape
            ExcludeCharacters: ',:=[]"\\/@%#?&',
          },
        },
      },
    ]),
  );
}

/**
 * Every job's secret ARN as one JSON object, `{"relay": "arn:…", "invoices": "arn:…", …}`, for
 * prepareBackend's BROKER_USER_SECRET_ARNS (a Join: osls would read `${…}` of a Sub as its own).
 */
export const brokerUserSecretArnsJson = () => ({
  'Fn::Join': [
    '',
    [
      '{',
      ...brokerJobs.flatMap((job, index) => [
        `${index === 0 ? '' : ','}"${job}":"`,
        brokerUserSecretArn(job),
        '"',
      ]),
      '}',
    ],
  ],
});

/** The secrets as IAM resources: prepareBackend reads them all. */
export const brokerUserSecretArns = () => brokerJobs.map(brokerUserSecretArn);
