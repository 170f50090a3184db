// The analytics seed's read side: product sales, category revenue, customer lifetime value, hourly
// sales, and how far the projectors have got (sync-status). The shop's revenue and its pipeline's
// state are the shop's: with signing in on they answer administrators only (anyone else signed in gets
// a 403); a customer's lifetime value is that customer's own. With signing in off all answer anyone.
import { z } from 'zod';
import { projectionNames } from '../projectors/catalog.ts';
import { answeredAmount, answeredId, answeredTime, idParam, text } from '../shared/http/fields.ts';
import { queryContract } from '../shared/http/routeContract.ts';

export const getProductSalesRoute = queryContract({
  operationId: 'getProductSales',
  method: 'GET',
  path: '/api/analytics/products/{id}/sales',
  handler: 'functions/analytics/query/getProductSales.ts',
  tag: 'analytics',
  summary: 'A product’s sales',
  description:
    'Administrators only where signing in is on (the shop’s revenue is not its customers’ to read).',
  access: 'administrator',
  projection: 'analytics',
  params: z.object({ id: idParam.meta({ description: 'the product id', example: '1' }) }),
  responses: {
    200: {
      description: 'what the product has sold',
      body: z.object({
        productId: answeredId,
        totalQuantitySold: z.int().nonnegative(),
        totalRevenue: answeredAmount,
        orderCount: z.int().nonnegative(),
      }),
      examples: { seed: { productId: 1, totalQuantitySold: 5, totalRevenue: 6499.95, orderCount: 3 } },
    },
  },
  errors: { 404: ['product_not_found'] },
});

export const getCategoryRevenueRoute = queryContract({
  operationId: 'getCategoryRevenue',
  method: 'GET',
  path: '/api/analytics/categories/{category}/revenue',
  handler: 'functions/analytics/query/getCategoryRevenue.ts',
  tag: 'analytics',
  summary: 'A category’s revenue',
  description:
    'Administrators only where signing in is on (the shop’s revenue is not its customers’ to read).',
  access: 'administrator',
  projection: 'analytics',
  params: z.object({ category: text(100).meta({ description: 'the category', example: 'Electronics' }) }),
  responses: {
    200: {
      description: 'what the category has sold',
      body: z.object({
        category: z.string(),
        totalRevenue: answeredAmount,
        totalOrders: z.int().nonnegative(),
      }),
      examples: { seed: { category: 'Electronics', totalRevenue: 15999.8, totalOrders: 8 } },
    },
  },
  errors: { 404: ['category_not_found'] },
});

export const getCustomerLifetimeValueRoute = queryContract({
  operationId: 'getCustomerLifetimeValue',
  method: 'GET',
  path: '/api/analytics/customers/{id}/lifetime-value',
  handler: 'functions/analytics/query/getCustomerLifetimeValue.ts',
  tag: 'analytics',
  summary: 'A customer’s lifetime value',
  description: 'A customer is a user id; it needs no user (the analytics seed has none).',
  access: 'authenticated',
  projection: 'analytics',
  params: z.object({ id: idParam.meta({ description: 'the customer (user) id', example: '100' }) }),
  responses: {
    200: {
      description: 'what the customer has spent',
      body: z.object({
        customerId: answeredId,
        totalSpent: answeredAmount,
        orderCount: z.int().nonnegative(),
        lastOrderDate: answeredTime,
      }),
      examples: {
        seed: {
          customerId: 100,
          totalSpent: 3899.97,
          orderCount: 3,
          lastOrderDate: '2026-02-11T16:35:00.000Z',
        },
      },
    },
  },
  errors: { 403: ['forbidden'], 404: ['customer_not_found'] },
});

export const hourParam = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}(:00(:00(\.000)?)?Z?)?$/, 'must be a UTC hour such as 2026-02-11T16')
  .transform((value) => value.slice(0, 13))
  .refine((hour) => !Number.isNaN(Date.parse(`${hour}:00:00Z`)), 'must be a real hour')
  .meta({
    description: 'a UTC hour: 2026-02-11T16, or a full ISO time on the hour',
    example: '2026-02-11T16',
  });

export const getHourlySalesRoute = queryContract({
  operationId: 'getHourlySales',
  method: 'GET',
  path: '/api/analytics/hours/{hour}/sales',
  handler: 'functions/analytics/query/getHourlySales.ts',
  tag: 'analytics',
  summary: 'An hour’s sales',
  description:
    'The hourly view the analytics seed stores but never serves. An hour without sales is zero. Administrators only where signing in is on (the shop’s revenue is not its customers’ to read).',
  access: 'administrator',
  projection: 'analytics',
  params: z.object({ hour: hourParam }),
  responses: {
    200: {
      description: 'the orders and revenue of that UTC hour',
      body: z.object({
        hour: answeredTime,
        totalOrders: z.int().nonnegative(),
        totalRevenue: answeredAmount,
      }),
      examples: { seed: { hour: '2026-02-11T16:00:00.000Z', totalOrders: 1, totalRevenue: 89.97 } },
    },
  },
});

const projectorProgress = z
  .object({
    position: z.int().nonnegative().meta({ description: 'the position of the last event it applied' }),
    lastProcessedEventTimestamp: answeredTime.nullable(),
    headPosition: z.int().nonnegative(),
    sequence: z.int().nonnegative().meta({ description: 'the last number of its stream it applied' }),
    headSequence: z.int().nonnegative().meta({ description: 'the last number the relay published to it' }),
    eventsBehind: z.int().nonnegative(),
    waitingFor: z.int().positive().nullable().meta({ description: 'the number it needs next, if behind' }),
    waitingSince: answeredTime.nullable().meta({ description: 'since when it holds events beyond a gap' }),
    heldEvents: z.int().nonnegative(),
    parkedCount: z.int().nonnegative().meta({ description: 'events it could never apply, parked' }),
    lagSeconds: z.number().nonnegative(),
  })
  .meta({ id: 'ProjectorProgress' });

const caughtUp = {
  position: 1_000_001,
  lastProcessedEventTimestamp: '2026-02-11T16:35:00.000Z',
  headPosition: 1_000_001,
  sequence: 2,
  headSequence: 2,
  eventsBehind: 0,
  waitingFor: null,
  waitingSince: null,
  heldEvents: 0,
  parkedCount: 0,
  lagSeconds: 0,
};
const syncStatusExample = {
  lastProcessedEventTimestamp: '2026-02-11T16:35:00.000Z',
  lagSeconds: 0,
  headPosition: 1_000_001,
  projectors: Object.fromEntries(projectionNames.map((name) => [name, caughtUp])),
};

export const getSyncStatusRoute = queryContract({
  operationId: 'getSyncStatus',
  method: 'GET',
  path: '/api/analytics/sync-status',
  handler: 'functions/analytics/query/getSyncStatus.ts',
  // every stream's checkpoint and head, none of the analytics' items
  reads: ['checkpoints', 'streamHead'],
  tag: 'analytics',
  summary: 'How far the read models have got',
  description:
    'The seed’s two fields describe the analytics projector (its slowest partition); `projectors` shows each projector’s stream against its head, one entry a partition: `directory`, then `directory.1`… when a projection has several. lagSeconds is 0 when caught up. Administrators only where signing in is on.',
  access: 'administrator',
  projection: 'analytics',
  responses: {
    200: {
      description: 'each projector’s progress',
      body: z.object({
        lastProcessedEventTimestamp: answeredTime.nullable(),
        lagSeconds: z.number().nonnegative(),
        headPosition: z.int().nonnegative(),
        projectors: z.record(z.string(), projectorProgress).meta({
          description: 'per stream: every projection’s, and each partition of a split one (`<name>.<n>`)',
        }),
      }),
      examples: { caughtUp: syncStatusExample },
    },
  },
});
