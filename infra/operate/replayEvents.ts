// Replays recorded events (a fixture) through the system as if they had just been committed: they
// are appended to the event log (an event whose id is already there is left out, so a second replay
// changes nothing), and the relay numbers them in their streams and publishes them, to the broker or
// straight to the projector Lambdas. The event log stays the one owner of every stream's numbers, so
// a replay and the commands of a running stack never collide.
import pg from 'pg';
import type { DomainEvent } from '../../events/contracts.ts';
import {
  queueKey,
  type AmazonMqRabbitEvent,
  type AmazonMqRabbitMessage,
} from '../../functions/projectors/amazonMqEvent.ts';
import type { ProjectionName } from '../../functions/projectors/catalog.ts';
import { allStreams, sequenceHeader } from '../../functions/projectors/streams.ts';
import type { EventPublisher, Publication } from '../../functions/relay/eventPublisher.ts';
import { relayEvents } from '../../functions/relay/relayEvents.ts';
import {
  appendRecordedEvents,
  MAX_EVENTS_PER_TRANSACTION,
} from '../../functions/shared/eventLog/appendEvents.ts';
import { inTransaction } from '../../functions/shared/postgres.ts';

const text = (value: string) => ({ bytes: [...Buffer.from(value, 'utf8')] });

function asMessage({ event, sequences }: Publication, stream: string): AmazonMqRabbitMessage {
  const body = JSON.stringify(event);
  return {
    basicProperties: {
      contentType: 'application/json',
      contentEncoding: null,
      headers: {
        position: event.position,
        version: event.version,
        [sequenceHeader(stream)]: sequences[stream]!,
        source: text('replay'),
      },
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

export type ProjectorInvokers = Record<ProjectionName, (event: AmazonMqRabbitEvent) => Promise<void>>;

/**
 * Publishes by invoking each projector Lambda with the events of each of its streams, in the Amazon
 * MQ shape: a batch names the queue it came from, which tells the projector its partition.
 */
export function directPublisher(invokers: ProjectorInvokers): Pick<EventPublisher, 'publish'> {
  return {
    async publish(publications) {
      for (const { name: stream, projection } of allStreams()) {
        const messages = publications
          .filter((publication) => publication.sequences[stream] !== undefined)
          .map((publication) => asMessage(publication, stream));
        if (messages.length === 0) continue;
        await invokers[projection]({
          eventSource: 'aws:rmq',
          eventSourceArn: 'arn:aws:mq:us-east-1:000000000000:broker:replay',
          // as if from the stream's queue, which has the stream's name
          rmqMessagesByQueue: { [queueKey(stream)]: messages },
        });
      }
    },
  };
}

export interface ReplayProgress {
  appended: number;
  published: number;
}

/**
 * Appends `events` to the log and relays until every one of them is published (another relay, such
 * as `npm run dev`'s, may publish some of them: the advisory lock shares the work). Returns how many
 * were new to the log.
 */
export async function replayEvents(
  pool: pg.Pool,
  events: readonly DomainEvent[],
  publisher: Pick<EventPublisher, 'publish'>,
  options: { onProgress?: (progress: ReplayProgress) => void } = {},
): Promise<ReplayProgress> {
  let appended = 0;
  for (let start = 0; start < events.length; start += MAX_EVENTS_PER_TRANSACTION) {
    const slice = events.slice(start, start + MAX_EVENTS_PER_TRANSACTION);
    appended += await inTransaction((sql) => appendRecordedEvents(sql, slice), pool);
    options.onProgress?.({ appended, published: 0 });
  }
  const ids = events.map((event) => event.eventId);
  for (;;) {
    await relayEvents(pool, publisher);
    const { rows } = await pool.query<{ waiting: number }>(
      'SELECT count(*)::int AS waiting FROM event_log WHERE event_id = ANY($1::uuid[]) AND published_at IS NULL',
      [ids],
    );
    const progress = { appended, published: events.length - rows[0]!.waiting };
    options.onProgress?.(progress);
    if (rows[0]!.waiting === 0) return progress;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
