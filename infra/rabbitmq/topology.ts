// The broker topology the project owns: the `domain-events` topic exchange, one durable quorum queue
// per projector with a single active consumer (so each projector applies events in order), bound to
// the event types that projector needs, and a dead-letter queue for messages rejected too often.
import type { Channel } from 'amqplib';
import { eventTypes, type EventType } from '../../events/contracts.ts';

export const EVENTS_EXCHANGE = 'domain-events';
export const DEAD_LETTER_EXCHANGE = 'domain-events.dead-letter';
/** deliveries of one message before the broker dead-letters it instead of redelivering */
export const DELIVERY_LIMIT = 10;

export const projectorSubscriptions = {
  invoices: ['user.created', 'user.updated', 'user.deleted', 'account.created', 'order.created'],
  analytics: ['product.created', 'order.created'],
  directory: eventTypes,
} as const satisfies Record<string, readonly EventType[]>;

export type ProjectorName = keyof typeof projectorSubscriptions;
export const projectorNames = Object.keys(projectorSubscriptions) as ProjectorName[];

export const deadLetterQueueOf = (queue: string) => `${queue}.dead-letter`;

/** Idempotent: asserting what already exists with the same arguments changes nothing. */
export async function setupTopology(channel: Channel, exchange = EVENTS_EXCHANGE): Promise<void> {
  await channel.assertExchange(exchange, 'topic', { durable: true });
  await channel.assertExchange(DEAD_LETTER_EXCHANGE, 'direct', { durable: true });
  for (const queue of projectorNames) {
    await channel.assertQueue(queue, {
      durable: true,
      arguments: {
        'x-queue-type': 'quorum',
        'x-single-active-consumer': true,
        'x-delivery-limit': DELIVERY_LIMIT,
        'x-dead-letter-exchange': DEAD_LETTER_EXCHANGE,
        'x-dead-letter-routing-key': queue,
      },
    });
    const deadLetters = deadLetterQueueOf(queue);
    await channel.assertQueue(deadLetters, { durable: true, arguments: { 'x-queue-type': 'quorum' } });
    await channel.bindQueue(deadLetters, DEAD_LETTER_EXCHANGE, queue);
    for (const eventType of projectorSubscriptions[queue]) {
      await channel.bindQueue(queue, exchange, eventType);
    }
  }
}
