// A rebuilt table lives outside CloudFormation: it must keep what the live one keeps. DynamoDB's
// continuous backups and deletion protection do not exist in dynalite, so this runs against a client
// that answers as DynamoDB documents it and records what it is sent (the one stub in this suite's
// rebuild tests; the rebuild itself runs against dynalite in rebuild.int.test.ts).
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { createTableLike } from './rebuildProjection.ts';

function dynamoDbWith(
  live: { deletionProtection: boolean; pointInTimeRecovery: boolean } | 'emulator',
  backupsUnavailableAtFirst = false,
) {
  const sent: { command: string; input: Record<string, unknown> }[] = [];
  let refusals = backupsUnavailableAtFirst ? 1 : 0;
  const client = {
    async send(command: { constructor: { name: string }; input: Record<string, unknown> }) {
      const name = command.constructor.name;
      sent.push({ command: name, input: command.input });
      if (name === 'DescribeTableCommand') {
        return {
          Table: {
            TableStatus: 'ACTIVE',
            DeletionProtectionEnabled: live !== 'emulator' && live.deletionProtection,
          },
        };
      }
      if (name === 'DescribeContinuousBackupsCommand') {
        if (live === 'emulator')
          throw Object.assign(new Error('unknown'), { name: 'UnknownOperationException' });
        return {
          ContinuousBackupsDescription: {
            PointInTimeRecoveryDescription: {
              PointInTimeRecoveryStatus: live.pointInTimeRecovery ? 'ENABLED' : 'DISABLED',
            },
          },
        };
      }
      if (name === 'UpdateContinuousBackupsCommand' && refusals-- > 0) {
        throw Object.assign(new Error('not yet'), { name: 'ContinuousBackupsUnavailableException' });
      }
      return {};
    },
  };
  return { client: client as unknown as DynamoDBClient, sent };
}

const definition = {
  TableName: 'shop-prod-invoices-mabc123',
  AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' as const }],
  KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' as const }],
  BillingMode: 'PAY_PER_REQUEST' as const,
};

describe('a rebuilt table', () => {
  it('keeps the live table’s deletion protection and point-in-time recovery', async () => {
    const { client, sent } = dynamoDbWith({ deletionProtection: true, pointInTimeRecovery: true });
    await createTableLike(client, 'shop-prod-invoices', definition);
    expect(sent.find((call) => call.command === 'CreateTableCommand')?.input).toMatchObject({
      TableName: definition.TableName,
      DeletionProtectionEnabled: true,
    });
    expect(sent.find((call) => call.command === 'UpdateContinuousBackupsCommand')?.input).toEqual({
      TableName: definition.TableName,
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
    });
  });

  it('waits until DynamoDB takes continuous backups on a new table, and records it before', async () => {
    const { client, sent } = dynamoDbWith({ deletionProtection: true, pointInTimeRecovery: true }, true);
    const recorded: string[] = [];
    await createTableLike(client, 'shop-prod-invoices', definition, async () => {
      recorded.push(sent.at(-1)!.command);
    });
    expect(recorded).toEqual(['CreateTableCommand']);
    expect(sent.filter((call) => call.command === 'UpdateContinuousBackupsCommand')).toHaveLength(2);
  });

  it('adds none the live table lacks, and none on an emulator without continuous backups', async () => {
    for (const live of [{ deletionProtection: false, pointInTimeRecovery: false }, 'emulator'] as const) {
      const { client, sent } = dynamoDbWith(live);
      await createTableLike(client, 'shop-dev-invoices', definition);
      expect(sent.find((call) => call.command === 'CreateTableCommand')?.input).not.toHaveProperty(
        'DeletionProtectionEnabled',
      );
      expect(sent.some((call) => call.command === 'UpdateContinuousBackupsCommand')).toBe(false);
    }
  });
});
