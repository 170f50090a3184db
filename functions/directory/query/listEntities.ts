// Lists one kind of directory item from the byKind index (hash kind, range id), or what one owner has
// of it from the byOwner index (hash owner, range id) for a signed-in caller. Ordered by id, a
// page reads only the items up to offset + limit (a cursor spares reading the skipped ones) and can
// hand out a cursor; ordered by any other column, every item of the kind is read and sorted here,
// which bounds those orders to lists that fit in memory. A GSI cannot be read consistently: on AWS a
// list may trail the checkpoint that X-Min-Position waited for by the index's propagation delay.
import { QueryCommand, type QueryCommandOutput } from '@aws-sdk/lib-dynamodb';
import { dynamoDb } from '../../shared/aws.ts';
import type { HttpResponse } from '../../shared/http/httpResponse.ts';
import { entityKey, type DirectoryItem, type EntityKind } from '../directoryProjection.ts';
import type { ListScope } from './callerScope.ts';
import { BY_KIND_INDEX, BY_OWNER_INDEX, directoryTableName } from './directoryItems.ts';
import { encodeCursor } from './listCursor.ts';
import type { ListRequest } from './listQuery.ts';

export const NEXT_CURSOR_HEADER = 'X-Next-Cursor';

export type RowComparator<Row> = (a: Row, b: Row) => number;

export interface EntityListDefinition<
  Item extends DirectoryItem,
  Row extends { id: number },
  Column extends string,
> {
  toRow: (item: Item) => Row;
  /**
   * How each column order_by may name besides id compares two rows. The route's list query (listQuery
   * in its contract) names the columns; a column without a comparator here does not type-check.
   */
  sortableColumns: Record<Column, RowComparator<Row>>;
}

// Names and emails in dictionary order, roughly as PostgreSQL's default collation would sort them.
const textOrder = new Intl.Collator('en');

export const byNumber =
  <Row>(value: (row: Row) => number): RowComparator<Row> =>
  (a, b) =>
    value(a) - value(b);
export const byText =
  <Row>(value: (row: Row) => string): RowComparator<Row> =>
  (a, b) =>
    textOrder.compare(value(a), value(b));
/** ISO timestamps compare as instants: "…00Z" and "…00.500Z" do not sort as text would. */
export const byTime =
  <Row>(value: (row: Row) => string): RowComparator<Row> =>
  (a, b) =>
    Date.parse(value(a)) - Date.parse(value(b));

/** Answers a list request, parsed by the route's list query (listQuery.ts), of the directory's items. */
export function entityList<
  Item extends DirectoryItem,
  Row extends { id: number },
  Column extends string = never,
>(definition: EntityListDefinition<Item, Row, Column>) {
  return (request: ListRequest<Column | 'id'>, scope: ListScope = { all: true }) =>
    'none' in scope
      ? Promise.resolve({ statusCode: 200, body: [] })
      : listEntities(definition, request, scope);
}

async function listEntities<Item extends DirectoryItem, Row extends { id: number }, Column extends string>(
  definition: EntityListDefinition<Item, Row, Column>,
  request: ListRequest<Column | 'id'>,
  scope: { all: true } | { owner: string },
): Promise<HttpResponse> {
  const { kind, limit, offset, orderBy } = request;
  const partition: Partition = 'owner' in scope ? { kind, owner: scope.owner } : { kind };
  if (orderBy.column === 'id') {
    // one item past the page says whether there is a next page, so a cursor never leads to nothing
    const wanted = offset + limit + 1;
    const items = await readPartition<Item>(partition, {
      descending: orderBy.descending,
      wanted,
      after: request.after,
    });
    const page = items.slice(offset, offset + limit);
    const last = page.at(-1);
    const more = items.length === wanted && last !== undefined;
    const cursor = more
      ? encodeCursor({ kind, order: orderBy.descending ? '-id' : 'id', after: last.id })
      : undefined;
    return {
      statusCode: 200,
      body: page.map(definition.toRow),
      ...(cursor ? { headers: { [NEXT_CURSOR_HEADER]: cursor } } : {}),
    };
  }

  const compare = (definition.sortableColumns as Record<string, RowComparator<Row>>)[orderBy.column];
  if (!compare) throw new Error(`order_by ${orderBy.column} passed the query schema but has no comparator`);
  const direction = orderBy.descending ? -1 : 1;
  const rows = (await readPartition<Item>(partition, { descending: false })).map(definition.toRow);
  // ties keep id order, in either direction, so that offset paging neither repeats nor skips a row
  rows.sort((a, b) => direction * compare(a, b) || a.id - b.id);
  return { statusCode: 200, body: rows.slice(offset, offset + limit) };
}

interface ReadOptions {
  descending: boolean;
  /** stop once this many items are read; all of them when absent */
  wanted?: number;
  /** start after this id (in the direction read) */
  after?: number | undefined;
}

/** Keeps Limit a sane number when offset is huge; a page stops at 1 MB long before this anyway. */
const MAX_QUERY_LIMIT = 1_000_000;

/** Every item of a kind (byKind), or what one owner has of it (byOwner). */
interface Partition {
  kind: EntityKind;
  owner?: string;
}

async function readPartition<Item>({ kind, owner }: Partition, options: ReadOptions): Promise<Item[]> {
  const items: Item[] = [];
  const [indexName, attribute, value] =
    owner === undefined ? [BY_KIND_INDEX, 'kind', kind] : [BY_OWNER_INDEX, 'owner', owner];
  // an index's start key is the item's table key plus its index key, all known from kind and id
  let startKey: Record<string, unknown> | undefined =
    options.after === undefined
      ? undefined
      : { ...entityKey(kind, options.after), [attribute]: value, id: options.after };
  do {
    const remaining = options.wanted === undefined ? undefined : options.wanted - items.length;
    const page: QueryCommandOutput = await dynamoDb().send(
      new QueryCommand({
        TableName: await directoryTableName(),
        IndexName: indexName,
        KeyConditionExpression: '#key = :key',
        ExpressionAttributeNames: { '#key': attribute },
        ExpressionAttributeValues: { ':key': value },
        ScanIndexForward: !options.descending,
        ...(startKey ? { ExclusiveStartKey: startKey } : {}),
        ...(remaining === undefined ? {} : { Limit: Math.min(remaining, MAX_QUERY_LIMIT) }),
      }),
    );
    items.push(...((page.Items ?? []) as Item[]));
    startKey = page.LastEvaluatedKey;
  } while (startKey && (options.wanted === undefined || items.length < options.wanted));
  return items;
}
