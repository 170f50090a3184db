// The catalog's one command: a product with its price and stock.
import { z } from 'zod';
import { answeredId, money, text } from '../shared/http/fields.ts';
import { commandContract } from '../shared/http/routeContract.ts';

export const productInput = z.strictObject({
  name: text(200),
  category: text(100),
  price: money,
  stock: z.int('must be an integer').nonnegative('must not be negative').max(1_000_000_000),
});

export const createProductRoute = commandContract({
  operationId: 'createProduct',
  method: 'POST',
  path: '/api/products',
  handler: 'functions/products/command/createProduct.ts',
  tag: 'analytics',
  summary: 'Add a product to the catalog',
  description: 'Where signing in is on, only an administrator may.',
  access: 'administrator',
  body: productInput,
  bodyExamples: {
    seed: { name: 'Gaming Laptop', category: 'Electronics', price: 1299.99, stock: 50 },
    testingGuide: { name: 'Wireless Mouse', category: 'Electronics', price: 29.99, stock: 100 },
  },
  responses: {
    201: {
      description: 'the product’s id',
      body: z.object({ productId: answeredId }),
      examples: { seed: { productId: 1 } },
    },
  },
});
