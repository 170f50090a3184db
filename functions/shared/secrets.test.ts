import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { secretsManagerStandIn } from '../../tests/support/secretsManagerStandIn.ts';
import {
  brokerUrlFromSecret,
  databasePasswordFromSecret,
  databaseUrlFromSecret,
  secretsManagerSecrets,
} from './secrets.ts';

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
      'postgres://app:p%40ss%2Fword@db.internal:5432/commerce?sslmode=verify-full',
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

  it('asks node-postgres to verify the server’s certificate and host, which it does without a warning', async () => {
    const { parse } = await import('pg-connection-string');
    const warnings: string[] = [];
    const onWarning = (warning: Error) => warnings.push(warning.message);
    process.on('warning', onWarning);
    try {
      const url = await databaseUrlFromSecret({ DATABASE_SECRET_ARN: 'arn:db' }, fetchSecret);
      expect(new URL(url).searchParams.get('sslmode')).toBe('verify-full');
      // an empty `ssl` object: verified against the trusted authorities, the host checked
      expect(parse(url).ssl).toEqual({});
      await new Promise((resolve) => setImmediate(resolve));
      expect(warnings.filter((message) => /SECURITY WARNING/.test(message))).toEqual([]);
    } finally {
      process.off('warning', onWarning);
    }
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
    ).toBe('postgres://relay:s3cret@db.rds.internal:5432/commerce?sslmode=verify-full');
  });

  it('lets the host and database name given win over the secret’s: the proxy’s host, not the instance the secret names', async () => {
    expect(
      await databaseUrlFromSecret(
        {
          DATABASE_SECRET_ARN: 'arn:db',
          DATABASE_HOST: 'shop.proxy-abc.rds.internal',
          DATABASE_NAME: 'shop',
        },
        fetchSecret,
      ),
    ).toBe('postgres://app:p%40ss%2Fword@shop.proxy-abc.rds.internal:5432/shop?sslmode=verify-full');
    // an empty parameter (serverless.yml renders an unset one as '') leaves the secret's
    expect(
      await databaseUrlFromSecret(
        { DATABASE_SECRET_ARN: 'arn:db', DATABASE_HOST: '', DATABASE_NAME: '' },
        fetchSecret,
      ),
    ).toBe('postgres://app:p%40ss%2Fword@db.internal:5432/commerce?sslmode=verify-full');
  });
});

/** Secrets Manager answering after 5 ms, as over a network: concurrent callers overlap. */
const fakeSecretsManager = (values: Map<string, string>) =>
  secretsManagerStandIn(values, { answerAfterMs: 5 });

describe('a secret read through Powertools Parameters', () => {
  const arn = 'arn:db';
  const env = { DATABASE_SECRET_ARN: arn };
  const secret = (password: string) =>
    JSON.stringify({ username: 'app', password, host: 'db.internal', dbname: 'commerce' });

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('is fetched again once it is older than its maximum age, and not before', async () => {
    const values = new Map([[arn, secret('first')]]);
    const secretsManager = fakeSecretsManager(values);
    const password = databasePasswordFromSecret(
      env,
      secretsManagerSecrets({ client: secretsManager.client, maxAgeSeconds: 300 }),
    );
    expect(await password()).toBe('first');
    values.set(arn, secret('rotated'));
    vi.advanceTimersByTime(299_000);
    expect(await password()).toBe('first');
    expect(secretsManager.calls).toHaveLength(1);
    vi.advanceTimersByTime(2_000);
    expect(await password()).toBe('rotated');
    expect(secretsManager.calls).toHaveLength(2);
  });

  it('is fetched at once when the server refused the copy in hand (forceFetch)', async () => {
    const values = new Map([[arn, secret('first')]]);
    const secretsManager = fakeSecretsManager(values);
    const fetchSecret = secretsManagerSecrets({ client: secretsManager.client });
    expect(await databaseUrlFromSecret(env, fetchSecret)).toContain('app:first@');
    values.set(arn, secret('rotated'));
    expect(await databaseUrlFromSecret(env, fetchSecret)).toContain('app:first@');
    expect(await databasePasswordFromSecret(env, fetchSecret)({ forceFetch: true })).toBe('rotated');
    // and the fresh copy is the one kept
    expect(await databaseUrlFromSecret(env, fetchSecret)).toContain('app:rotated@');
    expect(secretsManager.calls).toEqual([arn, arn]);
  });

  it('is fetched once for connections opened together, by a function that never fetched it before', async () => {
    const secretsManager = fakeSecretsManager(new Map([[arn, secret('first')]]));
    const password = databasePasswordFromSecret(
      env,
      secretsManagerSecrets({ client: secretsManager.client }),
    );
    expect(await Promise.all([password(), password(), password(), password()])).toEqual(
      Array(4).fill('first'),
    );
    expect(secretsManager.calls).toHaveLength(1);
  });

  it('that is not JSON fails without quoting it', async () => {
    const secretsManager = fakeSecretsManager(new Map([[arn, 'hunter2 is not json']]));
    const failure = databaseUrlFromSecret(env, secretsManagerSecrets({ client: secretsManager.client }));
    await expect(failure).rejects.toThrow('Invalid configuration: the secret arn:db is not JSON');
    await expect(failure).rejects.not.toThrow(/hunter2/);
  });
});
