// Batched DynamoDB access for projectors: read many items at once, write the changed ones 25 to a
// request.
import {
  BatchGetCommand,
  BatchWriteCommand,
  type BatchWriteCommandOutput,
  type BatchGetCommandOutput,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { ItemState, StoredItem } from './applyEvent.ts';
import { keyString, type ItemKey } from './projection.ts';

const BATCH_GET_LIMIT = 100;
const BATCH_WRITE_LIMIT = 25;
/** requests in flight at once: enough to keep DynamoDB busy while the client serializes the next */
const READ_CONCURRENCY = 4;
const WRITE_CONCURRENCY = 16;

function chunksOf<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < items.length; start += size) chunks.push(items.slice(start, start + size));
  return chunks;
}

/**
 * Runs `send` for every chunk, at most `concurrency` at a time. On a failure it waits for the requests
 * in flight to settle before it rejects: once a batch has failed, nothing of it may still land.
 */
async function sendConcurrently<T>(
  chunks: readonly T[],
  concurrency: number,
  send: (chunk: T) => Promise<void>,
): Promise<void> {
  for (let start = 0; start < chunks.length; start += concurrency) {
    const results = await Promise.allSettled(chunks.slice(start, start + concurrency).map(send));
    const failed = results.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
  }
}

/** Sends `request` again for what DynamoDB left unprocessed, backing off, until nothing is left. */
async function untilProcessed<T>(
  first: T[],
  request: (pending: T[]) => Promise<T[] | undefined>,
): Promise<void> {
  let pending: T[] | undefined = first;
  for (let attempt = 0; pending && pending.length > 0; attempt++) {
    if (attempt > 0) await new Promise((resolve) => setTimeout(resolve, Math.min(1000, 25 * 2 ** attempt)));
    pending = await request(pending);
  }
}

/** The items at these keys (absent ones are simply not in the map), keyed by keyString. */
export async function readItems(
  db: DynamoDBDocumentClient,
  tableName: string,
  keys: readonly ItemKey[],
): Promise<ItemState> {
  const unique = [...new Map(keys.map((key) => [keyString(key), { pk: key.pk, sk: key.sk }])).values()];
  const found: ItemState = new Map();
  await sendConcurrently(
    chunksOf<Record<string, unknown>>(unique, BATCH_GET_LIMIT),
    READ_CONCURRENCY,
    (chunk) =>
      untilProcessed(chunk, async (pending) => {
        const result: BatchGetCommandOutput = await db.send(
          new BatchGetCommand({ RequestItems: { [tableName]: { Keys: pending, ConsistentRead: true } } }),
        );
        for (const item of (result.Responses?.[tableName] ?? []) as StoredItem[])
          found.set(keyString(item), item);
        return result.UnprocessedKeys?.[tableName]?.Keys;
      }),
  );
  return found;
}

/**
 * Puts the items and deletes the keys, 25 to a request, without conditions: exact because a
 * projection table has one writer at a time, the holder of its lease (projectionStore.ts).
 */
export async function writeItems(
  db: DynamoDBDocumentClient,
  tableName: string,
  items: readonly Record<string, unknown>[],
  deleteKeys: readonly ItemKey[] = [],
  /** called before each request; throws to stop (a writer past its deadline) */
  beforeRequest: () => void = () => {},
) {
  const requests = [
    ...items.map((item) => ({ PutRequest: { Item: item } })),
    ...deleteKeys.map((key) => ({ DeleteRequest: { Key: { pk: key.pk, sk: key.sk } } })),
  ];
  await sendConcurrently(
    chunksOf<Record<string, unknown>>(requests, BATCH_WRITE_LIMIT),
    WRITE_CONCURRENCY,
    (chunk) =>
      untilProcessed(chunk, async (pending) => {
        beforeRequest();
        const result: BatchWriteCommandOutput = await db.send(
          new BatchWriteCommand({ RequestItems: { [tableName]: pending } }),
        );
        return result.UnprocessedItems?.[tableName];
      }),
  );
}
