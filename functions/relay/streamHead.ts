// Copies the relay's progress (head position, last number published in each stream) to DynamoDB, where
// sync-status reads it: query Lambdas never read PostgreSQL.
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { eventStreamTableName } from '../shared/resourceNames.ts';
import { dynamoDb } from '../shared/aws.ts';
import { settings } from '../shared/config.ts';
import type { RelayProgress } from './eventLog.ts';

export const STREAM_HEAD_KEY = { pk: 'STREAM', sk: 'HEAD' } as const;

export interface StreamHead extends RelayProgress {
  updatedAt: string;
}

/** Writes the head unless a newer one is already there (two relay runs may race to write it). */
export async function writeStreamHead(progress: RelayProgress, now = new Date()): Promise<void> {
  try {
    await dynamoDb().send(
      new PutCommand({
        TableName: eventStreamTableName(settings.RESOURCE_PREFIX),
        Item: { ...STREAM_HEAD_KEY, ...progress, updatedAt: now.toISOString() },
        ConditionExpression: 'attribute_not_exists(pk) OR headPosition <= :position',
        ExpressionAttributeValues: { ':position': progress.headPosition },
      }),
    );
  } catch (error) {
    if ((error as { name?: string }).name !== 'ConditionalCheckFailedException') throw error;
  }
}
