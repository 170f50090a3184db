// Where replayed events go: to the broker, in order, as the relay would publish them (the projectors
// apply them through their queues), or straight to the projector Lambdas (no broker), each receiving
// the event types it subscribes to in the Amazon MQ event shape.
import type { DomainEvent } from '../../events/contracts.ts';
import {
  queueKey,
  type AmazonMqRabbitEvent,
  type AmazonMqRabbitMessage,
} from '../../functions/projectors/amazonMqEvent.ts';
import { rabbitPublisher } from '../../functions/relay/eventPublisher.ts';
import { projectorNames, projectorSubscriptions, type ProjectorName } from '../rabbitmq/topology.ts';

export interface ReplaySink {
  deliver(events: readonly DomainEvent[]): Promise<void>;
  close(): Promise<void>;
}

export function brokerSink(rabbitmqUrl: string, exchange: string): ReplaySink {
  const publisher = rabbitPublisher(rabbitmqUrl, exchange);
  return { deliver: (events) => publisher.publish(events), close: () => publisher.close() };
}

const text = (value: string) => ({ bytes: [...Buffer.from(value, 'utf8')] });

function asMessage(event: DomainEvent): AmazonMqRabbitMessage {
  const body = JSON.stringify(event);
  return {
    basicProperties: {
      contentType: 'application/json',
      contentEncoding: null,
      headers: { position: event.position, version: event.version, source: text('replay') },
      deliveryMode: 2,
      priority: null,
      correlationId: event.correlationId,
      replyTo: null,
      expiration: null,
      messageId: event.eventId,
      timestamp: null,
      type: event.type,
      userId: null,
      appId: null,
      clusterId: null,
      bodySize: Buffer.byteLength(body),
    },
    redelivered: false,
    data: Buffer.from(body).toString('base64'),
  };
}

export type ProjectorInvokers = Record<ProjectorName, (event: AmazonMqRabbitEvent) => Promise<void>>;

export function directSink(invokers: ProjectorInvokers): ReplaySink {
  return {
    async deliver(events) {
      for (const projector of projectorNames) {
        const subscribed = projectorSubscriptions[projector] as readonly string[];
        const relevant = events.filter((event) => subscribed.includes(event.type));
        if (relevant.length === 0) continue;
        await invokers[projector]({
          eventSource: 'aws:rmq',
          eventSourceArn: 'arn:aws:mq:us-east-1:000000000000:broker:replay',
          rmqMessagesByQueue: { [queueKey(projector)]: relevant.map(asMessage) },
        });
      }
    },
    close: async () => {},
  };
}

/** Delivers the events in position order, in batches, reporting progress after each. */
export async function replayEvents(
  events: readonly DomainEvent[],
  sink: ReplaySink,
  options: { batchSize?: number; onProgress?: (delivered: number) => void } = {},
): Promise<void> {
  const batchSize = options.batchSize ?? 100;
  for (let start = 0; start < events.length; start += batchSize) {
    await sink.deliver(events.slice(start, start + batchSize));
    options.onProgress?.(Math.min(events.length, start + batchSize));
  }
}
