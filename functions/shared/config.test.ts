import { afterEach, describe, expect, it } from 'vitest';
import { brokerAddress, readSettings, settings } from './config.ts';

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
  afterEach(() => {
    delete process.env.BROKER_ENDPOINT;
  });

  it('is the cloud broker’s endpoint, TLS on 5671 unless it says another port', () => {
    process.env.BROKER_ENDPOINT = 'amqps://b-1234.mq.us-east-1.amazonaws.com:5671';
    expect(brokerAddress()).toEqual({ tls: true, host: 'b-1234.mq.us-east-1.amazonaws.com', port: 5671 });
    process.env.BROKER_ENDPOINT = 'amqps://broker.example';
    expect(brokerAddress().port).toBe(5671);
  });

  it('is RABBITMQ_URL’s host and port locally, without its user and password', () => {
    const local = new URL(settings.RABBITMQ_URL!);
    const address = brokerAddress();
    expect(address).toEqual({ tls: false, host: local.hostname, port: Number(local.port) || 5672 });
    expect(Object.keys(address).sort()).toEqual(['host', 'port', 'tls']);
  });
});
