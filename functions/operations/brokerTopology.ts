// The broker topology the project owns, from the projection catalog: the `domain-events` topic
// exchange and one durable quorum queue per projection, with a single active consumer, bound to the
// event types the projection subscribes to.
//
// No dead-letter queue: a message delivered more than DELIVERY_LIMIT times is dropped by the broker,
// and the gap it leaves in its stream is re-published from the event log by the relay
// (docs/decisions.md). Queues declared by an earlier version with other arguments (a dead-letter
// exchange) are replaced, and the earlier dead-letter queues removed: what they held had been lost to
// the read models already (their checkpoints had moved past it); `npm run rebuild` restores it.
import type { Channel, ChannelModel } from 'amqplib';
import { projectionCatalog, projectionNames } from '../projectors/catalog.ts';

export const EVENTS_EXCHANGE = 'domain-events';
/** deliveries of one message before the broker drops it instead of redelivering */
export const DELIVERY_LIMIT = 10;

const QUEUE_ARGUMENTS = {
  'x-queue-type': 'quorum',
  'x-single-active-consumer': true,
  'x-delivery-limit': DELIVERY_LIMIT,
};

/** what versions before sequenced delivery declared, removed when found */
const LEGACY_DEAD_LETTER_EXCHANGE = 'domain-events.dead-letter';
const legacyDeadLetterQueue = (queue: string) => `${queue}.dead-letter`;

const isPreconditionFailed = (error: unknown) => (error as { code?: number }).code === 406;

/** Runs `work` on a channel of its own: a refused declaration closes the channel it was made on. */
async function onChannel<T>(connection: ChannelModel, work: (channel: Channel) => Promise<T>): Promise<T> {
  const channel = await connection.createChannel();
  channel.on('error', () => undefined);
  try {
    return await work(channel);
  } finally {
    await channel.close().catch(() => undefined);
  }
}

/** Idempotent: declaring what already exists with the same arguments changes nothing. */
export async function setupTopology(
  connection: ChannelModel,
  exchange = EVENTS_EXCHANGE,
  log: (message: string) => void = () => {},
): Promise<void> {
  await onChannel(connection, (channel) => channel.assertExchange(exchange, 'topic', { durable: true }));
  for (const name of projectionNames) {
    const { queue, eventTypes } = projectionCatalog[name];
    try {
      await onChannel(connection, (channel) =>
        channel.assertQueue(queue, { durable: true, arguments: QUEUE_ARGUMENTS }),
      );
    } catch (error) {
      if (!isPreconditionFailed(error)) throw error;
      log(`queue ${queue}: declared by an earlier version with other arguments; replacing it`);
      await onChannel(connection, async (channel) => {
        await channel.deleteQueue(queue);
        await channel.assertQueue(queue, { durable: true, arguments: QUEUE_ARGUMENTS });
      });
    }
    await onChannel(connection, async (channel) => {
      for (const eventType of eventTypes) await channel.bindQueue(queue, exchange, eventType);
      await channel.deleteQueue(legacyDeadLetterQueue(queue));
    });
  }
  await onChannel(connection, (channel) => channel.deleteExchange(LEGACY_DEAD_LETTER_EXCHANGE));
}
