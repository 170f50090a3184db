// POST /api/products {name, category, price, stock} → 201 {productId}
import { z } from 'zod';
import { commandRoute } from '../../shared/commands/commandRoute.ts';
import { money, text } from '../../shared/http/fields.ts';
import { productCreated } from '../product.ts';
import { insertProduct } from '../productStore.ts';

export const createProductBody = z.strictObject({
  name: text(200),
  category: text(100),
  price: money,
  stock: z.int('must be an integer').nonnegative('must not be negative').max(1_000_000_000),
});

export const handler = commandRoute(
  { route: 'POST /api/products', body: createProductBody },
  async ({ body }, sql) => {
    const product = await insertProduct(sql, {
      name: body.name,
      category: body.category,
      priceCents: body.price,
      stock: body.stock,
    });
    return { statusCode: 201, body: { productId: product.id }, events: [productCreated(product)] };
  },
);
