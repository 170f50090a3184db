import { describe, expect, it } from 'vitest';
import { readSettings } from './config.ts';
import { connectionSettingsFromSecrets } from './secrets.ts';

const secrets: Record<string, unknown> = {
  'arn:db': { username: 'app', password: 'p@ss/word', host: 'db.internal', port: 5432, dbname: 'commerce' },
  'arn:mq': { username: 'relay', password: 's3cret' },
};
const fetchSecret = async (arn: string) => secrets[arn];

describe('connection settings from Secrets Manager', () => {
  it('builds both URLs, escaping the credentials', async () => {
    const settings = await connectionSettingsFromSecrets(
      {
        DATABASE_SECRET_ARN: 'arn:db',
        BROKER_SECRET_ARN: 'arn:mq',
        BROKER_ENDPOINT: 'amqps://b-1.mq.us-east-1.amazonaws.com:5671',
      },
      fetchSecret,
    );
    expect(settings).toEqual({
      DATABASE_URL: 'postgres://app:p%40ss%2Fword@db.internal:5432/commerce?sslmode=require',
      RABBITMQ_URL: 'amqps://relay:s3cret@b-1.mq.us-east-1.amazonaws.com:5671',
    });
  });

  it('fails with the name of what is missing', async () => {
    await expect(connectionSettingsFromSecrets({ BROKER_SECRET_ARN: 'arn:mq' }, fetchSecret)).rejects.toThrow(
      'Invalid configuration: BROKER_ENDPOINT: is not set',
    );
    await expect(
      connectionSettingsFromSecrets({ DATABASE_SECRET_ARN: 'arn:mq' }, fetchSecret),
    ).rejects.toThrow(/^Invalid configuration: DATABASE_HOST: is not set/);
  });

  it('takes the host and database name from the environment for a secret RDS manages (username and password only)', async () => {
    const settings = await connectionSettingsFromSecrets(
      { DATABASE_SECRET_ARN: 'arn:mq', DATABASE_HOST: 'db.rds.internal', DATABASE_NAME: 'commerce' },
      fetchSecret,
    );
    expect(settings.DATABASE_URL).toBe(
      'postgres://relay:s3cret@db.rds.internal:5432/commerce?sslmode=require',
    );
  });

  it('leaves the environment alone without ARNs', async () => {
    expect(await connectionSettingsFromSecrets({}, fetchSecret)).toEqual({});
  });
});

describe('settings in the cloud', () => {
  it('fall back to no local default: a missing connection fails at cold start with its name', () => {
    expect(() => readSettings({ RABBITMQ_URL: 'amqps://b-1:5671' }, true)).toThrow(
      /DATABASE_URL: is not set/,
    );
    expect(() => readSettings({ DATABASE_URL: '', RABBITMQ_URL: 'amqps://b-1:5671' }, true)).toThrow(
      /DATABASE_URL/,
    );
  });
});
