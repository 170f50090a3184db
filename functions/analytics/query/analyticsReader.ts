// Reads one analytics item by key.
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { liveTable } from '../../projectors/liveTables.ts';
import type { ItemKey } from '../../projectors/projection.ts';
import { dynamoDb } from '../../shared/aws.ts';

export async function readAnalyticsItem<T>(key: ItemKey): Promise<T | undefined> {
  const { Item } = await dynamoDb().send(
    // the key alone: an analytics key also names its item's kind (analyticsProjection.ts)
    new GetCommand({ TableName: await liveTable('analytics'), Key: { pk: key.pk, sk: key.sk } }),
  );
  return Item as T | undefined;
}
