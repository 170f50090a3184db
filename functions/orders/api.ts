// The order routes of both dialects. One order model serves them: an /order-service order is one
// line with a description and an amount; an /api order has catalog lines, priced from the catalog.
import { z } from 'zod';
import { listQuery } from '../directory/query/listQuery.ts';
import {
  answeredAmount,
  answeredId,
  answeredTime,
  id,
  money,
  oneOrMany,
  text,
} from '../shared/http/fields.ts';
import { commandContract, queryContract } from '../shared/http/routeContract.ts';

export const serviceOrderInput = z.strictObject({ user_id: id, amount: money, description: text(500) });

export const serviceOrder = z.object({
  id: answeredId,
  user_id: answeredId,
  amount: answeredAmount,
  description: z.string(),
  created_at: answeredTime,
});

const testPurchase = { user_id: 1, amount: 50, description: 'Test purchase' };

export const placeServiceOrdersRoute = commandContract({
  operationId: 'placeServiceOrders',
  method: 'POST',
  path: '/order-service/orders',
  handler: 'functions/orders/command/placeServiceOrders.ts',
  tag: 'invoice demo',
  summary: 'Place an order, or several',
  description:
    'An order of one line: its amount as given. It joins the user’s invoice of its UTC month. One object or an array (up to 100), all or none.',
  access: 'authenticated',
  body: oneOrMany(serviceOrderInput),
  bodyExamples: { one: testPurchase },
  responses: {
    201: {
      description: 'the created order, or the created orders in the order given',
      body: z.union([serviceOrder, z.array(serviceOrder)]),
      examples: { one: { id: 1, ...testPurchase, created_at: '2026-02-11T16:35:00.000Z' } },
    },
  },
  errors: { 403: ['forbidden'], 404: ['user_not_found'] },
});

export const listServiceOrdersRoute = queryContract({
  operationId: 'listServiceOrders',
  method: 'GET',
  path: '/order-service/orders',
  handler: 'functions/directory/query/listServiceOrders.ts',
  tag: 'invoice demo',
  summary: 'List orders',
  description:
    'Every order, whichever dialect placed it; signed in, the caller’s own (an administrator’s: all).',
  access: 'authenticated',
  projection: 'directory',
  list: true,
  query: listQuery({ kind: 'ORDER', columns: ['user_id', 'amount', 'created_at'], defaultLimit: 100 }),
  responses: {
    200: {
      description: 'a page of orders',
      body: z.array(serviceOrder),
      examples: { page: [{ id: 1, ...testPurchase, created_at: '2026-02-11T16:35:00.000Z' }] },
    },
  },
});

/**
 * The most units one catalog order may reserve, all its lines together, and the most lines: an order
 * holds its stock until it is cancelled, so one request may take only so much of it (100 lines of
 * 10,000 once let one order reserve a million units).
 */
export const MAX_ORDER_UNITS = 1_000;
export const MAX_ORDER_LINES = 100;

export const catalogOrderInput = z.strictObject({
  customerId: id,
  items: z
    .array(
      z.strictObject({
        productId: id,
        quantity: z
          .int('must be an integer')
          .positive('must be at least 1')
          .max(MAX_ORDER_UNITS, `must be at most ${MAX_ORDER_UNITS}`),
        /** accepted for the analytics seed's clients; the catalog price is the one charged */
        price: money.optional().meta({ description: 'accepted and ignored: the catalog price is charged' }),
      }),
    )
    .min(1, 'must hold at least one item')
    .max(MAX_ORDER_LINES, `must hold at most ${MAX_ORDER_LINES} items`)
    .refine(
      (items) => items.reduce((units, item) => units + item.quantity, 0) <= MAX_ORDER_UNITS,
      `must order at most ${MAX_ORDER_UNITS} units in all`,
    )
    .meta({ description: `at most ${MAX_ORDER_LINES} lines and ${MAX_ORDER_UNITS} units in all` }),
});

export const placeCatalogOrderRoute = commandContract({
  operationId: 'placeCatalogOrder',
  method: 'POST',
  path: '/api/orders',
  handler: 'functions/orders/command/placeCatalogOrder.ts',
  tag: 'analytics',
  summary: 'Place a catalog order',
  description:
    'Stock is checked and reserved in the order’s transaction: no oversell under any concurrency. With signing in off the customer need not be a user (the analytics seed has none); on, it must be one, the caller’s own unless an administrator orders.',
  access: 'authenticated',
  body: catalogOrderInput,
  bodyExamples: {
    seed: { customerId: 100, items: [{ productId: 1, quantity: 2, price: 1299.99 }] },
    testingGuide: { customerId: 50, items: [{ productId: 1, quantity: 3, price: 29.99 }] },
  },
  responses: {
    201: {
      description: 'the order’s id',
      body: z.object({ orderId: answeredId }),
      examples: { seed: { orderId: 1 } },
    },
  },
  errors: {
    403: ['forbidden'],
    404: ['product_not_found', 'user_not_found'],
    409: ['insufficient_stock'],
    422: ['order_too_large'],
  },
});
