import { describe, expect, it } from 'vitest';
import { domainEventSchema } from './contracts.ts';
import { generateEvents } from './generatedStream.ts';

describe('the generated event stream', () => {
  it('is the same for the same seed and different for another', () => {
    const once = JSON.stringify([...generateEvents(7, 2_000)]);
    expect(JSON.stringify([...generateEvents(7, 2_000)])).toBe(once);
    expect(JSON.stringify([...generateEvents(8, 2_000)])).not.toBe(once);
  });

  it('is valid, in increasing positions, with every event type and orders only of known products', () => {
    const events = [...generateEvents(42, 5_000)];
    const products = new Set<number>();
    let last = 0;
    for (const event of events) {
      domainEventSchema.parse(event);
      expect(event.position).toBeGreaterThan(last);
      last = event.position;
      if (event.type === 'product.created') products.add(event.data.productId);
      if (event.type === 'order.created') {
        for (const line of event.data.lines)
          if (line.productId !== null) expect(products.has(line.productId)).toBe(true);
      }
    }
    expect(new Set(events.map((event) => event.type)).size).toBe(8);
  });
});
