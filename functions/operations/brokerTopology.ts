// The broker topology the project owns, from the projection catalog: the `domain-events` topic
// exchange (routing key: the event type, for anyone who wants events by type), and behind it the
// `domain-events.streams` headers exchange that routes each event to the queues of the streams that numbered it:
// one durable quorum queue per stream (a projection's, or each partition's: streams.ts), with a
// single active consumer, bound on the presence of its `x-sequence-<stream>` header. The relay's
// numbering is then the routing: a stream receives exactly the events it has numbers for, which by
// type alone a partition could not (it receives the events that touch its items). Each queue is also
// bound on a `redrive-to` header naming it, for parked events sent back to it: every message enters
// through the project's two exchanges, so that the relay's broker user may publish to those alone
// and to no queue directly (brokerPermissions.ts).
//
// No dead-letter queue: a message delivered more than DELIVERY_LIMIT times is dropped by the broker,
// and the gap it leaves in its stream is re-published from the event log by the relay
// (decision 0015). Queues declared by an earlier version with other arguments (a dead-letter
// exchange) are replaced, and the earlier dead-letter queues removed: what they held had been lost to
// the read models already (their checkpoints had moved past it); `npm run rebuild` restores it.
import type { Channel, ChannelModel } from 'amqplib';
import { projectionCatalog } from '../projectors/catalog.ts';
import { allStreams, sequenceHeader, type Stream } from '../projectors/streams.ts';

export const EVENTS_EXCHANGE = 'domain-events';
/** The headers exchange behind the events exchange that routes by stream number. */
export const streamsExchange = (exchange: string) => `${exchange}.streams`;
/** The header a redriven event carries, naming the one queue it goes back to. */
export const REDRIVE_TO_HEADER = 'redrive-to';
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
  /** every projection's streams, by default as the catalog and PROJECTION_PARTITIONS say */
  streams: readonly Stream[] = allStreams(),
): Promise<void> {
  await onChannel(connection, async (channel) => {
    await channel.assertExchange(exchange, 'topic', { durable: true });
    await channel.assertExchange(streamsExchange(exchange), 'headers', { durable: true });
    await channel.bindExchange(streamsExchange(exchange), exchange, '#');
  });
  for (const { name: queue, projection } of streams) {
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
      // `any-with-x` (RabbitMQ 3.10 and later): the header starts with x-; no value: its presence
      await channel.bindQueue(queue, streamsExchange(exchange), '', {
        'x-match': 'any-with-x',
        [sequenceHeader(queue)]: null,
      });
      // `all`, without x-: its value must be the queue's name (x- headers do not take part)
      await channel.bindQueue(queue, streamsExchange(exchange), '', {
        'x-match': 'all',
        [REDRIVE_TO_HEADER]: queue,
      });
      // versions before partitions bound the queue by event type: a partition must not get those
      for (const eventType of projectionCatalog[projection].eventTypes) {
        await channel.unbindQueue(queue, exchange, eventType);
      }
      await channel.deleteQueue(legacyDeadLetterQueue(queue));
    });
  }
  await onChannel(connection, (channel) => channel.deleteExchange(LEGACY_DEAD_LETTER_EXCHANGE));
}
