// Reads one analytics item by key.
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { readModelTableName } from '../../../infra/aws/resourceNames.ts';
import type { ItemKey } from '../../projectors/projection.ts';
import { dynamoDb } from '../../shared/aws.ts';
import { settings } from '../../shared/config.ts';

export async function readAnalyticsItem<T>(key: ItemKey): Promise<T | undefined> {
  const { Item } = await dynamoDb().send(
    new GetCommand({ TableName: readModelTableName(settings.RESOURCE_PREFIX, 'analytics'), Key: key }),
  );
  return Item as T | undefined;
}
