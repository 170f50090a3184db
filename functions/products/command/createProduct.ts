// POST /api/products {name, category, price, stock} → 201 {productId}
import { commandHandler } from '../../shared/commands/commandHandler.ts';
import { createProductRoute } from '../api.ts';
import { productCreated } from '../product.ts';
import { insertProduct } from '../productStore.ts';

export const handler = commandHandler(createProductRoute, async ({ body }, sql) => {
  const product = await insertProduct(sql, {
    name: body.name,
    category: body.category,
    priceCents: body.price,
    stock: body.stock,
  });
  return { statusCode: 201, body: { productId: product.id }, events: [productCreated(product)] };
});
