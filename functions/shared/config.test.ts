import { describe, expect, it } from 'vitest';
import { readSettings } from './config.ts';

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
