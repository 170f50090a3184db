// Publishes events to the `domain-events` topic exchange on a confirm channel. One connection per
// container, reopened after the broker goes away.
import amqp, { type ChannelModel, type ConfirmChannel } from 'amqplib';
import type { DomainEvent } from '../../events/contracts.ts';
import { REDRIVE_HEADER } from '../projectors/amazonMqEvent.ts';

export interface EventPublisher {
  /** Resolves once the broker has confirmed every event; rejects if any was not confirmed. */
  publish(events: readonly DomainEvent[]): Promise<void>;
  /**
   * Sends parked event bodies back to one projector's queue, marked as redrives, behind whatever
   * waits there; resolves once the broker has confirmed them.
   */
  requeueForRedrive(queue: string, bodies: readonly unknown[]): Promise<void>;
  close(): Promise<void>;
}

export function rabbitPublisher(url: string, exchange: string): EventPublisher {
  let connecting: Promise<{ connection: ChannelModel; channel: ConfirmChannel }> | undefined;

  const open = () => {
    connecting ??= (async () => {
      const connection = await amqp.connect(url, { timeout: 3_000 });
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

  return {
    async publish(events) {
      const { channel } = await open();
      for (const event of events) {
        const writable = channel.publish(exchange, event.type, Buffer.from(JSON.stringify(event)), {
          persistent: true,
          contentType: 'application/json',
          messageId: event.eventId,
          type: event.type,
          timestamp: Math.floor(Date.parse(event.occurredAt) / 1000),
          correlationId: event.correlationId,
          headers: { position: event.position, version: event.version },
        });
        if (!writable) await new Promise((resolve) => channel.once('drain', resolve));
      }
      await channel.waitForConfirms();
    },
    async requeueForRedrive(queue, bodies) {
      const { channel } = await open();
      for (const body of bodies) {
        const { position, type } = (body ?? {}) as { position?: unknown; type?: unknown };
        // the default exchange routes by queue name: to this projector only
        const writable = channel.publish('', queue, Buffer.from(JSON.stringify(body)), {
          persistent: true,
          contentType: 'application/json',
          ...(typeof type === 'string' ? { type } : {}),
          headers: { [REDRIVE_HEADER]: 'true', ...(typeof position === 'number' ? { position } : {}) },
        });
        if (!writable) await new Promise((resolve) => channel.once('drain', resolve));
      }
      await channel.waitForConfirms();
    },
    async close() {
      const current = connecting;
      connecting = undefined;
      if (current) await (await current).connection.close().catch(() => undefined);
    },
  };
}
