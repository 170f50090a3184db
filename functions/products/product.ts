import { pendingEvent } from '../../events/contracts.ts';

export interface Product {
  id: number;
  name: string;
  category: string;
  priceCents: number;
  stock: number;
}

export const productCreated = (product: Product) =>
  pendingEvent('product.created', product.id, {
    productId: product.id,
    name: product.name,
    category: product.category,
    priceCents: product.priceCents,
    stock: product.stock,
  });
