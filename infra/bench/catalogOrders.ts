// The orders every write phase sends: a catalog of products made through the API, and catalog orders
// of one line over it, spread over the benchmark's customers.
export const random = (below: number) => Math.floor(Math.random() * below);

async function post(baseUrl: string, path: string, body: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(`${baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (response.status !== 201) throw new Error(`POST ${path} answered ${response.status}`);
  return (await response.json()) as Record<string, unknown>;
}

/** `count` products with stock that no phase runs out of; their ids. */
export async function createCatalog(baseUrl: string, count: number, label: string): Promise<number[]> {
  const ids: number[] = [];
  for (let start = 0; start < count; start += 16) {
    const created = await Promise.all(
      Array.from({ length: Math.min(16, count - start) }, (_, index) =>
        post(baseUrl, '/api/products', {
          name: `${label} ${start + index + 1}`,
          category: `Category ${(start + index) % 20}`,
          price: (100 + random(50_000)) / 100,
          stock: 100_000_000,
        }),
      ),
    );
    ids.push(...created.map((product) => Number(product.productId)));
  }
  return ids;
}

/** The customers orders are spread over; freshness probes use ids beyond them. */
export const CUSTOMERS = 5_000;

export const orderOf = (products: readonly number[]) => ({
  method: 'POST' as const,
  path: '/api/orders',
  body: {
    customerId: 1 + random(CUSTOMERS),
    items: [{ productId: products[random(products.length)]!, quantity: 1 + random(3) }],
  },
});
