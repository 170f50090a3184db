// Publishes events to the `domain-events` topic exchange on a confirm channel, each with its number
// in every stream that receives it (an `x-sequence-<stream>` header). One connection per container,
// reopened after the broker goes away.
import amqp, { type ChannelModel, type ConfirmChannel } from 'amqplib';
import type { DomainEvent } from '../../events/contracts.ts';
import { REDRIVE_TO_HEADER, streamsExchange } from '../operations/brokerTopology.ts';
import { REDRIVE_HEADER } from '../projectors/amazonMqEvent.ts';
import { sequenceHeader } from '../projectors/streams.ts';
import type { StreamSequences } from './sequencing.ts';

/** An event as it goes out: with its number in each stream that receives it. */
export interface Publication {
  event: DomainEvent;
  sequences: StreamSequences;
}

export interface EventPublisher {
  /** Routes each event by its type; resolves once the broker has confirmed every one. */
  publish(publications: readonly Publication[]): Promise<void>;
  /**
   * Publishes again to one stream's queue only, with that stream's numbers: how the relay fills a gap
   * from the event log. Through the streams exchange, which routes by those numbers: the relay's user
   * may publish to the project's exchanges only, not to a queue by name (the default exchange).
   */
  republish(stream: string, publications: readonly Publication[]): Promise<void>;
  /**
   * Sends parked event bodies back to one projector's queue, marked as redrives, behind whatever
   * waits there; resolves once the broker has confirmed them.
   */
  requeueForRedrive(queue: string, bodies: readonly unknown[]): Promise<void>;
  /** Messages waiting in the queue, not yet delivered to a consumer. */
  queueDepth(queue: string): Promise<number>;
  close(): Promise<void>;
}

const headersOf = (event: DomainEvent, sequences: StreamSequences) => ({
  position: event.position,
  version: event.version,
  ...Object.fromEntries(
    Object.entries(sequences).map(([stream, sequence]) => [sequenceHeader(stream), sequence]),
  ),
});

/** How the broker answers credentials it does not take: `403 (ACCESS-REFUSED)` in the handshake. */
const ACCESS_REFUSED = /\b403\b|ACCESS[-_]REFUSED/;

/** Where the broker is, with credentials; `forceFetch` after the broker refused the last ones. */
export type BrokerUrl = string | ((options?: { forceFetch?: boolean }) => Promise<string>);

/** Connects with the current credentials; refused, once more with credentials fetched now (a rotation). */
async function connect(url: BrokerUrl): Promise<ChannelModel> {
  if (typeof url === 'string') return amqp.connect(url, { timeout: 3_000 });
  try {
    return await amqp.connect(await url(), { timeout: 3_000 });
  } catch (error) {
    if (!(error instanceof Error && ACCESS_REFUSED.test(error.message))) throw error;
    return amqp.connect(await url({ forceFetch: true }), { timeout: 3_000 });
  }
}

/**
 * `url` may be a function: the broker's credentials are fetched when the first message is sent, and
 * read again at each reconnection (after a rotation, the broker may close connections and refuse
 * the old password).
 */
export function rabbitPublisher(url: BrokerUrl, exchange: string): EventPublisher {
  let connecting: Promise<{ connection: ChannelModel; channel: ConfirmChannel }> | undefined;

  const open = () => {
    connecting ??= (async () => {
      const connection = await connect(url);
      const forget = () => {
        connecting = undefined;
      };
      connection.on('close', forget);
      connection.on('error', forget);
      const channel = await connection.createConfirmChannel();
      channel.on('close', forget);
      channel.on('error', forget);
      return { connection, channel };
    })().catch((error: unknown) => {
      connecting = undefined;
      throw error;
    });
    return connecting;
  };

  /** Publishes every message, waiting for the socket to drain, then for the broker's confirms. */
  const send = async (
    messages: readonly {
      exchange: string;
      routingKey: string;
      body: unknown;
      options: amqp.Options.Publish;
    }[],
  ) => {
    const { channel } = await open();
    for (const message of messages) {
      const content = Buffer.from(JSON.stringify(message.body));
      if (!channel.publish(message.exchange, message.routingKey, content, message.options)) {
        await new Promise((resolve) => channel.once('drain', resolve));
      }
    }
    await channel.waitForConfirms();
  };

  const eventMessage = ({ event, sequences }: Publication, to: { exchange: string; routingKey: string }) => ({
    ...to,
    body: event,
    options: {
      persistent: true,
      contentType: 'application/json',
      messageId: event.eventId,
      type: event.type,
      timestamp: Math.floor(Date.parse(event.occurredAt) / 1000),
      correlationId: event.correlationId,
      headers: headersOf(event, sequences),
    },
  });

  return {
    publish: (publications) =>
      send(
        publications.map((publication) =>
          eventMessage(publication, { exchange, routingKey: publication.event.type }),
        ),
      ),
    republish: (stream, publications) =>
      send(
        publications.map(({ event, sequences }) =>
          // with this stream's number alone, the streams exchange routes it to this stream's queue only
          eventMessage(
            { event, sequences: sequences[stream] === undefined ? {} : { [stream]: sequences[stream] } },
            { exchange: streamsExchange(exchange), routingKey: '' },
          ),
        ),
      ),
    requeueForRedrive: (queue, bodies) =>
      send(
        bodies.map((body) => {
          const { position, type } = (body ?? {}) as { position?: unknown; type?: unknown };
          return {
            // the streams exchange routes it by its redrive-to header, to that queue alone
            exchange: streamsExchange(exchange),
            routingKey: '',
            body,
            options: {
              persistent: true,
              contentType: 'application/json',
              ...(typeof type === 'string' ? { type } : {}),
              headers: {
                [REDRIVE_HEADER]: 'true',
                [REDRIVE_TO_HEADER]: queue,
                ...(typeof position === 'number' ? { position } : {}),
              },
            },
          };
        }),
      ),
    async queueDepth(queue) {
      const { channel } = await open();
      return (await channel.checkQueue(queue)).messageCount;
    },
    async close() {
      const current = connecting;
      connecting = undefined;
      if (current) await (await current).connection.close().catch(() => undefined);
    },
  };
}
