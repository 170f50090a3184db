// Lists one kind of directory item from the byKind index (hash kind, range id). Ordered by id, a
// page reads only the items up to offset + limit (a cursor spares reading the skipped ones) and can
// hand out a cursor; ordered by any other column, every item of the kind is read and sorted here,
// which bounds those orders to lists that fit in memory. A GSI cannot be read consistently: on AWS a
// list may trail the checkpoint that X-Min-Position waited for by the index's propagation delay.
import { QueryCommand, type QueryCommandOutput } from '@aws-sdk/lib-dynamodb';
import { dynamoDb } from '../../shared/aws.ts';
import type { HttpResponse } from '../../shared/http/httpResponse.ts';
import { entityKey, type DirectoryItem, type EntityKind } from '../directoryProjection.ts';
import { BY_KIND_INDEX, directoryTableName } from './directoryItems.ts';
import { encodeCursor } from './listCursor.ts';
import { listQuery, type ListRequest } from './listQuery.ts';

export const NEXT_CURSOR_HEADER = 'X-Next-Cursor';

export type RowComparator<Row> = (a: Row, b: Row) => number;

export interface EntityListDefinition<Item extends DirectoryItem, Row extends { id: number }> {
  kind: EntityKind;
  toRow: (item: Item) => Row;
  /** the columns order_by may name besides id, and how each compares two rows */
  sortableColumns?: Record<string, RowComparator<Row>>;
  defaultLimit: number;
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

/** A list's query-string schema and the function that answers it. */
export function entityList<Item extends DirectoryItem, Row extends { id: number }>(
  definition: EntityListDefinition<Item, Row>,
) {
  const columns = ['id', ...Object.keys(definition.sortableColumns ?? {})];
  return {
    query: listQuery({ kind: definition.kind, columns, defaultLimit: definition.defaultLimit }),
    list: (request: ListRequest) => listEntities(definition, request),
  };
}

async function listEntities<Item extends DirectoryItem, Row extends { id: number }>(
  definition: EntityListDefinition<Item, Row>,
  request: ListRequest,
): Promise<HttpResponse> {
  const { limit, offset, orderBy } = request;
  if (orderBy.column === 'id') {
    // one item past the page says whether there is a next page, so a cursor never leads to nothing
    const wanted = offset + limit + 1;
    const items = await readByKind<Item>(definition.kind, {
      descending: orderBy.descending,
      wanted,
      after: request.after,
    });
    const page = items.slice(offset, offset + limit);
    const last = page.at(-1);
    const more = items.length === wanted && last !== undefined;
    const cursor = more
      ? encodeCursor({ kind: definition.kind, order: orderBy.descending ? '-id' : 'id', after: last.id })
      : undefined;
    return {
      statusCode: 200,
      body: page.map(definition.toRow),
      ...(cursor ? { headers: { [NEXT_CURSOR_HEADER]: cursor } } : {}),
    };
  }

  const compare = definition.sortableColumns?.[orderBy.column];
  if (!compare) throw new Error(`order_by ${orderBy.column} passed the query schema but has no comparator`);
  const direction = orderBy.descending ? -1 : 1;
  const rows = (await readByKind<Item>(definition.kind, { descending: false })).map(definition.toRow);
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

async function readByKind<Item>(kind: EntityKind, options: ReadOptions): Promise<Item[]> {
  const items: Item[] = [];
  // an index's start key is the item's table key plus its index key, all known from kind and id
  let startKey: Record<string, unknown> | undefined =
    options.after === undefined ? undefined : { ...entityKey(kind, options.after), kind, id: options.after };
  do {
    const remaining = options.wanted === undefined ? undefined : options.wanted - items.length;
    const page: QueryCommandOutput = await dynamoDb().send(
      new QueryCommand({
        TableName: await directoryTableName(),
        IndexName: BY_KIND_INDEX,
        KeyConditionExpression: '#kind = :kind',
        ExpressionAttributeNames: { '#kind': 'kind' },
        ExpressionAttributeValues: { ':kind': kind },
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
