import { describe, expect, it } from 'vitest';
import { brokerUrlFromSecret, databaseUrlFromSecret } from './secrets.ts';

const secrets: Record<string, unknown> = {
  'arn:db': { username: 'app', password: 'p@ss/word', host: 'db.internal', port: 5432, dbname: 'commerce' },
  'arn:mq': { username: 'relay', password: 's3cret' },
};
const fetchSecret = async (arn: string) => secrets[arn];

describe('connection strings from Secrets Manager', () => {
  it('builds both URLs, escaping the credentials', async () => {
    const env = {
      DATABASE_SECRET_ARN: 'arn:db',
      BROKER_SECRET_ARN: 'arn:mq',
      BROKER_ENDPOINT: 'amqps://b-1.mq.us-east-1.amazonaws.com:5671',
    };
    expect(await databaseUrlFromSecret(env, fetchSecret)).toBe(
      'postgres://app:p%40ss%2Fword@db.internal:5432/commerce?sslmode=require',
    );
    expect(await brokerUrlFromSecret(env, fetchSecret)).toBe(
      'amqps://relay:s3cret@b-1.mq.us-east-1.amazonaws.com:5671',
    );
  });

  it('names the virtual host the mappings consume from', async () => {
    const env = {
      BROKER_SECRET_ARN: 'arn:mq',
      BROKER_ENDPOINT: 'amqps://b-1:5671',
      BROKER_VIRTUAL_HOST: 'shop/eu',
    };
    expect(await brokerUrlFromSecret(env, fetchSecret)).toBe('amqps://relay:s3cret@b-1:5671/shop%2Feu');
    expect(await brokerUrlFromSecret({ ...env, BROKER_VIRTUAL_HOST: '/' }, fetchSecret)).toBe(
      'amqps://relay:s3cret@b-1:5671',
    );
  });

  it('fails with the name of what is missing', async () => {
    await expect(brokerUrlFromSecret({ BROKER_SECRET_ARN: 'arn:mq' }, fetchSecret)).rejects.toThrow(
      'Invalid configuration: BROKER_ENDPOINT: is not set',
    );
    await expect(databaseUrlFromSecret({ DATABASE_SECRET_ARN: 'arn:mq' }, fetchSecret)).rejects.toThrow(
      /^Invalid configuration: DATABASE_HOST: is not set/,
    );
  });

  it('takes the host and database name from the environment for a secret RDS manages (username and password only)', async () => {
    expect(
      await databaseUrlFromSecret(
        { DATABASE_SECRET_ARN: 'arn:mq', DATABASE_HOST: 'db.rds.internal', DATABASE_NAME: 'commerce' },
        fetchSecret,
      ),
    ).toBe('postgres://relay:s3cret@db.rds.internal:5432/commerce?sslmode=require');
  });
});
