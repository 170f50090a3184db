import { afterEach, describe, expect, it, vi } from 'vitest';
import { dynamoDb } from './aws.ts';
import { brokerAddress, configure, readSettings, resetConfiguration, settings } from './config.ts';

describe('readSettings', () => {
  it('reads an empty endpoint (an unset serverless.yml variable) as none', () => {
    const settings = readSettings({ DYNAMODB_ENDPOINT: '', SQS_ENDPOINT: '', LAMBDA_ENDPOINT: '' });
    expect(settings.DYNAMODB_ENDPOINT).toBeUndefined();
    expect(settings.SQS_ENDPOINT).toBeUndefined();
  });

  it('fails with the name of the bad setting', () => {
    expect(() => readSettings({ DATABASE_URL: 'not a url' })).toThrow(
      /^Invalid configuration: DATABASE_URL: /,
    );
    expect(() => readSettings({ PG_POOL_MAX: '0' })).toThrow(/PG_POOL_MAX/);
  });

  it('bounds the read-your-writes wait well inside a query function’s timeout, 2 s by default', () => {
    expect(readSettings({}).MAX_READ_WAIT_MS).toBe(2_000);
    expect(readSettings({ MAX_READ_WAIT_MS: '5000' }).MAX_READ_WAIT_MS).toBe(5_000);
    expect(() => readSettings({ MAX_READ_WAIT_MS: '30000' })).toThrow(/MAX_READ_WAIT_MS/);
    expect(() => readSettings({ MAX_READ_WAIT_MS: '-1' })).toThrow(/MAX_READ_WAIT_MS/);
  });

  it('has working local defaults', () => {
    expect(readSettings({})).toMatchObject({
      DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/cqrs_commerce',
      RESOURCE_PREFIX: 'cqrs-commerce-dev',
      RELAY_WAKE: 'notify',
    });
  });
});

describe('settings in the cloud', () => {
  it('have no local default for a connection and need none to start: it comes from a secret when first used', () => {
    const settings = readSettings({}, true);
    expect(settings.DATABASE_URL).toBeUndefined();
    expect(settings.RABBITMQ_URL).toBeUndefined();
  });
});

describe('brokerAddress', () => {
  afterEach(() => resetConfiguration());

  it('is the cloud broker’s endpoint, TLS on 5671 unless it says another port', () => {
    configure({ BROKER_ENDPOINT: 'amqps://b-1234.mq.us-east-1.amazonaws.com:5671' });
    expect(brokerAddress()).toEqual({ tls: true, host: 'b-1234.mq.us-east-1.amazonaws.com', port: 5671 });
    configure({ BROKER_ENDPOINT: 'amqps://broker.example' });
    expect(brokerAddress().port).toBe(5671);
  });

  it('is RABBITMQ_URL’s host and port locally, without its user and password', () => {
    const local = new URL(settings.RABBITMQ_URL!);
    const address = brokerAddress();
    expect(address).toEqual({ tls: false, host: local.hostname, port: Number(local.port) || 5672 });
    expect(Object.keys(address).sort()).toEqual(['host', 'port', 'tls']);
  });
});

describe('configure', () => {
  afterEach(() => resetConfiguration());

  it('gives settings over the environment, read when first asked for', () => {
    configure({ RESOURCE_PREFIX: 'given-prefix', PG_POOL_MAX: '7' });
    expect(settings.RESOURCE_PREFIX).toBe('given-prefix');
    expect(settings.PG_POOL_MAX).toBe(7);
    resetConfiguration();
    expect(settings.RESOURCE_PREFIX).toBe(readSettings().RESOURCE_PREFIX);
  });

  it('fails at once with the name of a bad setting, and keeps the settings in force', () => {
    expect(() => configure({ MAX_READ_WAIT_MS: '30000' })).toThrow(
      /^Invalid configuration: MAX_READ_WAIT_MS/,
    );
    expect(settings.MAX_READ_WAIT_MS).toBe(readSettings().MAX_READ_WAIT_MS);
  });

  it('gives the process’s own clients new settings, and keeps them while their own are the same', () => {
    configure({ DYNAMODB_ENDPOINT: 'http://127.0.0.1:1' });
    const first = dynamoDb();
    configure({ RESOURCE_PREFIX: 'another-prefix' });
    expect(dynamoDb()).toBe(first);
    configure({ DYNAMODB_ENDPOINT: 'http://127.0.0.1:2' });
    expect(dynamoDb()).not.toBe(first);
  });

  it('cannot be bypassed by assigning a setting', () => {
    expect(() => Object.assign(settings, { RESOURCE_PREFIX: 'assigned' })).toThrow(/configure/);
  });
});

describe('in a Lambda', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
    vi.resetModules();
  });

  it('checks the environment Lambda gives it at cold start: a bad setting fails the import with its name', async () => {
    vi.stubEnv('AWS_LAMBDA_FUNCTION_NAME', 'cqrs-commerce-dev-createTodo');
    vi.stubEnv('PG_POOL_MAX', '0');
    vi.resetModules();
    await expect(import('./config.ts')).rejects.toThrow(/^Invalid configuration: PG_POOL_MAX/);
  });
});
