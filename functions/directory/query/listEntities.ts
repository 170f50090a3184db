// Lists one kind of directory item, in the order asked, from the index that holds it in that order
// (listOrder.ts): a page reads about what it shows, whatever the kind's size, and sorts nothing. The
// indexes hold keys; the page's items are then read from the table, consistently, in one request.
// Over everyone, the kind's 16 shards are read side by side and merged; over one owner (a signed-in
// caller), its one partition. Every page but the last hands out a cursor to the next (X-Next-Cursor);
// offset reads what it skips, which listQuery bounds. A GSI cannot be read consistently: on AWS a
// list may trail the checkpoint that X-Min-Position waited for by the index's propagation delay.
import { QueryCommand, type QueryCommandOutput } from '@aws-sdk/lib-dynamodb';
import { dynamoDb } from '../../shared/aws.ts';
import type { HttpResponse } from '../../shared/http/httpResponse.ts';
import { readItems } from '../../projectors/readItems.ts';
import { keyString } from '../../projectors/projection.ts';
import type { DirectoryItem } from '../directoryProjection.ts';
import { kindShards, listIndex, type ListIndex } from '../listOrder.ts';
import type { ListScope } from './callerScope.ts';
import { directoryTableName } from './directoryItems.ts';
import { encodeCursor } from './listCursor.ts';
import type { ListRequest } from './listQuery.ts';

export const NEXT_CURSOR_HEADER = 'X-Next-Cursor';

/** Answers a list request, parsed by the route's list query (listQuery.ts), with rows of `toRow`. */
export function entityList<Item extends DirectoryItem, Row>(toRow: (item: Item) => Row) {
  return (request: ListRequest, scope: ListScope = { all: true }): Promise<HttpResponse> =>
    'none' in scope ? Promise.resolve({ statusCode: 200, body: [] }) : listEntities(toRow, request, scope);
}

async function listEntities<Item extends DirectoryItem, Row>(
  toRow: (item: Item) => Row,
  request: ListRequest,
  scope: { all: true } | { owner: string },
): Promise<HttpResponse> {
  const { kind, limit, offset, orderBy } = request;
  const index = listIndex(kind, 'owner' in scope ? 'owner' : 'kind', orderBy.column);
  const partitions = 'owner' in scope ? [scope.owner] : kindShards(kind);
  // one row past the page says whether there is a next page, so a cursor never leads to nothing
  const wanted = offset + limit + 1;
  const entries = await readInOrder<IndexEntry>(index, partitions, {
    descending: orderBy.descending,
    wanted,
    after: request.after,
  });
  const pageKeys = entries.slice(offset, offset + limit);
  const found = await readItems(dynamoDb(), await directoryTableName(), pageKeys);
  // an item deleted since the index was read is a tombstone now: the page shows one row fewer
  const page = pageKeys
    .map((entry) => found.get(keyString(entry)) as Item | undefined)
    .filter((item): item is Item => item?.kind !== undefined);
  const last = pageKeys.at(-1);
  const cursor =
    entries.length === wanted && last !== undefined
      ? encodeCursor({
          kind,
          order: `${orderBy.descending ? '-' : ''}${orderBy.column}`,
          after: last[index.sortAttribute] as number | string,
        })
      : undefined;
  return {
    statusCode: 200,
    body: page.map(toRow),
    ...(cursor ? { headers: { [NEXT_CURSOR_HEADER]: cursor } } : {}),
  };
}

interface ReadOptions {
  descending: boolean;
  /** stop once this many items are read */
  wanted: number;
  /** start after this sort key (in the direction read) */
  after?: number | string | undefined;
}

/** An index entry: the item's table keys and the index's own (keys only: listOrder.ts). */
type IndexEntry = { pk: string; sk: string } & Record<string, unknown>;

/** One partition of the index being read, a page at a time. */
interface PartitionReader<Item> {
  partition: string;
  buffer: Item[];
  /** where the next page starts; undefined before the first */
  startKey?: Record<string, unknown>;
  exhausted: boolean;
}

/**
 * The first `wanted` items after `after` in the index's order, merged from `partitions`. Each
 * partition is read a few more than its share of the page at a time, and read again only when the
 * merge has taken all it read: about `wanted` items in all, plus a chunk per partition.
 */
async function readInOrder<Item extends IndexEntry>(
  index: ListIndex,
  partitions: readonly string[],
  options: ReadOptions,
): Promise<Item[]> {
  const tableName = await directoryTableName();
  const chunk =
    partitions.length === 1 ? options.wanted : 2 * Math.ceil(options.wanted / partitions.length) + 1;
  const readers: PartitionReader<Item>[] = partitions.map((partition) => ({
    partition,
    buffer: [],
    exhausted: false,
  }));

  const refill = async (reader: PartitionReader<Item>) => {
    const page: QueryCommandOutput = await dynamoDb().send(
      new QueryCommand({
        TableName: tableName,
        IndexName: index.name,
        KeyConditionExpression:
          options.after === undefined
            ? '#partition = :partition'
            : `#partition = :partition AND #sort ${options.descending ? '<' : '>'} :after`,
        ExpressionAttributeNames: {
          '#partition': index.partitionAttribute,
          ...(options.after === undefined ? {} : { '#sort': index.sortAttribute }),
        },
        ExpressionAttributeValues: {
          ':partition': reader.partition,
          ...(options.after === undefined ? {} : { ':after': options.after }),
        },
        ScanIndexForward: !options.descending,
        Limit: chunk,
        ...(reader.startKey ? { ExclusiveStartKey: reader.startKey } : {}),
      }),
    );
    reader.buffer.push(...((page.Items ?? []) as Item[]));
    reader.startKey = page.LastEvaluatedKey;
    reader.exhausted = page.LastEvaluatedKey === undefined;
  };

  const sortValue = (item: Item) => item[index.sortAttribute] as number | string;
  // ascending: the smaller first; the sort keys of two items never tie (each ends with the id)
  const before = (a: Item, b: Item) =>
    options.descending ? sortValue(a) > sortValue(b) : sortValue(a) < sortValue(b);

  const merged: Item[] = [];
  while (merged.length < options.wanted) {
    await Promise.all(
      readers.filter((reader) => reader.buffer.length === 0 && !reader.exhausted).map(refill),
    );
    let next: PartitionReader<Item> | undefined;
    for (const reader of readers) {
      const head = reader.buffer[0];
      if (head !== undefined && (next === undefined || before(head, next.buffer[0]!))) next = reader;
    }
    if (!next) break;
    merged.push(next.buffer.shift()!);
  }
  return merged;
}
