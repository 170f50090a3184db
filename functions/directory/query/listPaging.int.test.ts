// Every list order, paged with offset and with the cursor, against an oracle that sorts the rows in
// memory; over everyone (16 shards merged) and over one owner; and what a page costs: the items it
// reads stay a small multiple of its size however deep it goes.
import { randomUUID } from 'node:crypto';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { DomainEvent } from '../../../events/contracts.ts';
import { createReadModelResources, startLocalAws, type LocalAws } from '../../../infra/local/localAws.ts';
import { storedEvent } from '../../../tests/support/events.ts';
import { applyToTable } from '../../../tests/support/projectorBatches.ts';
import { dynamoDb } from '../../shared/aws.ts';
import { configure, resetConfiguration } from '../../shared/config.ts';
import { readModelTableName } from '../../shared/resourceNames.ts';
import { directoryProjection, ownerKey } from '../directoryProjection.ts';
import { KIND_SHARDS } from '../listOrder.ts';
import { entityList } from './listEntities.ts';
import { listQuery } from './listQuery.ts';
import * as listServiceOrders from './listServiceOrders.ts';

// the logger's own level (tests/support/logLevel.ts), before the handlers' modules create it
vi.hoisted(() => {
  process.env.POWERTOOLS_LOG_LEVEL = 'WARN';
});

const PREFIX = `list-paging-${randomUUID().slice(0, 8)}`;
const ORDERS = 400;
const CUSTOMERS = 7;

let localAws: LocalAws;
let db: DynamoDBDocumentClient;
/** items the directory's queries have read since the last reset */
let itemsRead = 0;

interface OrderRow {
  id: number;
  user_id: number;
  amount: number;
  created_at: string;
}
const rows: OrderRow[] = [];

/** A generator of the same numbers every run. */
function seeded(seed: number) {
  let state = seed;
  return (bound: number) => {
    state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
    return state % bound;
  };
}

beforeAll(async () => {
  localAws = await startLocalAws();
  await createReadModelResources(PREFIX, localAws);
  configure({ RESOURCE_PREFIX: PREFIX, DYNAMODB_ENDPOINT: localAws.dynamoDbEndpoint });
  db = dynamoDb();
  db.middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      itemsRead += ((result.output as { Items?: unknown[] }).Items ?? []).length;
      return result;
    },
    { step: 'initialize', name: 'countItemsRead' },
  );

  const random = seeded(19);
  const events: DomainEvent[] = [];
  for (let id = 1; id <= ORDERS; id++) {
    // amounts and times repeat, so that ties must be broken by id
    const totalCents = random(40) * 125;
    const customerId = 1 + random(CUSTOMERS);
    const occurredAt = new Date(Date.UTC(2025, 3, 1, random(24), random(3) * 20)).toISOString();
    const line = {
      productId: null,
      category: null,
      description: `order ${id}`,
      quantity: 1,
      unitPriceCents: totalCents,
      lineTotalCents: totalCents,
    };
    events.push(
      storedEvent({
        type: 'order.created',
        position: id,
        occurredAt,
        aggregateId: String(id),
        data: { orderId: id, customerId, description: `order ${id}`, totalCents, lines: [line] },
      }),
    );
    rows.push({ id, user_id: customerId, amount: totalCents / 100, created_at: occurredAt });
  }
  await applyToTable(
    db,
    readModelTableName(PREFIX, 'directory'),
    directoryProjection,
    events.map((event) => ({ sequence: event.position, event })),
  );
});

afterAll(async () => {
  db?.destroy();
  await localAws?.stop();
  resetConfiguration();
});

const COLUMNS = ['id', 'user_id', 'amount', 'created_at'] as const;
type Column = (typeof COLUMNS)[number];

/** The oracle: the rows sorted in memory by (column, id), reversed for a descending order. */
function sortedRows(column: Column, descending: boolean, of: readonly OrderRow[] = rows): number[] {
  const value = (row: OrderRow) => (column === 'created_at' ? Date.parse(row.created_at) : row[column]);
  const ascending = [...of].sort((a, b) => value(a) - value(b) || a.id - b.id).map((row) => row.id);
  return descending ? ascending.reverse() : ascending;
}

const orderQuery = () =>
  listQuery({ kind: 'ORDER', columns: ['user_id', 'amount', 'created_at'], defaultLimit: 100 });
const listOrders = () => entityList((order: { id: number }) => ({ id: order.id }));

async function page(query: Record<string, string>, scope?: { owner: string }) {
  const request = orderQuery().parse(query);
  const answer = await listOrders()(request, scope ?? { all: true });
  return {
    ids: (answer.body as { id: number }[]).map((row) => row.id),
    cursor: answer.headers?.['X-Next-Cursor'] as string | undefined,
  };
}

/** Every page from the first, following the cursor; the ids in the order given. */
async function allPages(query: Record<string, string>, scope?: { owner: string }) {
  const seen: number[] = [];
  let next: Record<string, string> = query;
  for (let pages = 0; pages < 1_000; pages++) {
    const { ids, cursor } = await page(next, scope);
    seen.push(...ids);
    if (!cursor) return seen;
    next = { limit: query.limit!, cursor };
  }
  throw new Error('the cursor never ended');
}

describe('every order of the orders list', () => {
  it.each(COLUMNS.flatMap((column) => [column, `-${column}`]))(
    'order_by=%s: the cursor walks every row once, in order, over the 16 shards and over one owner',
    async (orderBy) => {
      const column = orderBy.replace('-', '') as Column;
      const descending = orderBy.startsWith('-');
      expect(await allPages({ order_by: orderBy, limit: '23' })).toEqual(sortedRows(column, descending));
      const mine = rows.filter((row) => row.user_id === 3);
      expect(await allPages({ order_by: orderBy, limit: '5' }, { owner: ownerKey('ORDER', 3) })).toEqual(
        sortedRows(column, descending, mine),
      );
    },
  );

  it('offset pages give the same rows as the oracle, and hand out a cursor that goes on from there', async () => {
    const expected = sortedRows('amount', true);
    const { ids, cursor } = await page({ order_by: '-amount', offset: '137', limit: '10' });
    expect(ids).toEqual(expected.slice(137, 147));
    expect((await page({ cursor: cursor!, limit: '10' })).ids).toEqual(expected.slice(147, 157));
  });
});

describe('what a page costs', () => {
  it('reads a small multiple of its size, at the first page and at the deepest', async () => {
    const limit = 10;
    // each shard is read 2 × its share of the page + 1 at a time: 3 items here
    const bound = KIND_SHARDS * 3 + 3 * limit;
    let query: Record<string, string> = { order_by: 'amount', limit: String(limit) };
    const costs: number[] = [];
    for (;;) {
      itemsRead = 0;
      const { cursor } = await page(query);
      costs.push(itemsRead);
      if (!cursor) break;
      query = { limit: String(limit), cursor };
    }
    expect(costs.length).toBe(ORDERS / limit);
    expect(Math.min(...costs)).toBeGreaterThanOrEqual(limit);
    expect(Math.max(...costs), JSON.stringify(costs)).toBeLessThanOrEqual(bound);
  });

  it('reads through the handler as through the list: the route answers from the index', async () => {
    itemsRead = 0;
    const { callHandler } = await import('../../../tests/support/lambdaEvents.ts');
    const result = await callHandler(listServiceOrders.handler, {
      method: 'GET',
      path: '/order-service/orders',
      query: { order_by: '-created_at', limit: '3' },
    });
    expect((result.body as { id: number }[]).map((row) => row.id)).toEqual(
      sortedRows('created_at', true).slice(0, 3),
    );
    expect(itemsRead).toBeLessThanOrEqual(KIND_SHARDS * 3 + 3 * 3);
  });
});
