// Batched, conditional DynamoDB access for projectors: read many items at once, write each changed
// item once, only if nobody moved it since it was read.
import {
  BatchGetCommand,
  BatchWriteCommand,
  PutCommand,
  type BatchWriteCommandOutput,
  type BatchGetCommandOutput,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { keyString, type ItemKey } from './projection.ts';

const BATCH_GET_LIMIT = 100;
const BATCH_WRITE_LIMIT = 25;
const WRITE_CONCURRENCY = 16;

export type StoredItem = Record<string, unknown> & ItemKey & { position: number };

/** The items at these keys (absent ones are simply not in the map), keyed by keyString. */
export async function readItems(
  db: DynamoDBDocumentClient,
  tableName: string,
  keys: readonly ItemKey[],
): Promise<Map<string, StoredItem>> {
  const unique = [...new Map(keys.map((key) => [keyString(key), { pk: key.pk, sk: key.sk }])).values()];
  const found = new Map<string, StoredItem>();
  for (let start = 0; start < unique.length; start += BATCH_GET_LIMIT) {
    let pending: Record<string, unknown>[] | undefined = unique.slice(start, start + BATCH_GET_LIMIT);
    for (let attempt = 0; pending && pending.length > 0; attempt++) {
      if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 25 * 2 ** attempt)));
      const result: BatchGetCommandOutput = await db.send(
        new BatchGetCommand({ RequestItems: { [tableName]: { Keys: pending, ConsistentRead: true } } }),
      );
      for (const item of (result.Responses?.[tableName] ?? []) as StoredItem[])
        found.set(keyString(item), item);
      pending = result.UnprocessedKeys?.[tableName]?.Keys;
    }
  }
  return found;
}

/** A changed item and the position it had when read (undefined: it did not exist). */
export interface ItemWrite {
  item: StoredItem;
  previousPosition: number | undefined;
}

/**
 * Puts each item on condition that its position is still the one read. A failed condition means
 * another writer moved the item: the error fails the batch, which is redelivered and recomputed.
 */
export async function writeItems(
  db: DynamoDBDocumentClient,
  tableName: string,
  writes: readonly ItemWrite[],
) {
  for (let start = 0; start < writes.length; start += WRITE_CONCURRENCY) {
    await Promise.all(
      writes.slice(start, start + WRITE_CONCURRENCY).map(({ item, previousPosition }) =>
        db.send(
          new PutCommand({
            TableName: tableName,
            Item: item,
            ...(previousPosition === undefined
              ? { ConditionExpression: 'attribute_not_exists(pk)' }
              : {
                  ConditionExpression: '#position = :previous',
                  ExpressionAttributeNames: { '#position': 'position' },
                  ExpressionAttributeValues: { ':previous': previousPosition },
                }),
          }),
        ),
      ),
    );
  }
}

/**
 * Puts the items 25 to a request, without conditions: only for a table with a single writer, such as
 * the new table a rebuild fills before anyone reads or projects into it. About 20 times fewer
 * requests than writeItems (docs/decisions.md, "Benchmarks").
 */
export async function writeItemsUnconditionally(
  db: DynamoDBDocumentClient,
  tableName: string,
  items: readonly StoredItem[],
) {
  const chunks: Record<string, unknown>[][] = [];
  for (let start = 0; start < items.length; start += BATCH_WRITE_LIMIT) {
    chunks.push(
      items.slice(start, start + BATCH_WRITE_LIMIT).map((item) => ({ PutRequest: { Item: item } })),
    );
  }
  for (let start = 0; start < chunks.length; start += WRITE_CONCURRENCY) {
    await Promise.all(
      chunks.slice(start, start + WRITE_CONCURRENCY).map(async (chunk) => {
        let pending: Record<string, unknown>[] | undefined = chunk;
        for (let attempt = 0; pending && pending.length > 0; attempt++) {
          if (attempt > 0)
            await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 25 * 2 ** attempt)));
          const result: BatchWriteCommandOutput = await db.send(
            new BatchWriteCommand({ RequestItems: { [tableName]: pending } }),
          );
          pending = result.UnprocessedItems?.[tableName];
        }
      }),
    );
  }
}
