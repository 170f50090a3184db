// order.created v1, as published before v2, and its upcaster. v1 events stay in the event log and
// in fixtures forever; consumers read them as v2.
import { z } from 'zod';
import { cents, id } from '../fields.ts';

export const orderCreatedV1Data = z.object({
  orderId: id,
  customerId: id,
  description: z.string(),
  totalCents: cents,
  lines: z
    .array(
      z.object({
        /** null for an order-service order, which has no catalog product */
        productId: id.nullable(),
        category: z.string().nullable(),
        description: z.string(),
        quantity: z.number().int().positive(),
        unitPriceCents: cents,
        lineTotalCents: cents,
      }),
    )
    .min(1),
});
export type OrderCreatedV1Data = z.infer<typeof orderCreatedV1Data>;

/**
 * v1 → v2: every v1 amount was in US dollars, and an order whose lines name no product came from the
 * order service, any other from the catalog.
 */
export function upcastOrderCreatedV1(data: OrderCreatedV1Data) {
  return {
    ...data,
    currency: 'USD',
    channel: data.lines.every((line) => line.productId === null)
      ? ('order-service' as const)
      : ('catalog' as const),
  };
}
