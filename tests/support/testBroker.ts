// A fresh RabbitMQ virtual host per test file, with the project's topology: runs never collide.
import amqp from 'amqplib';
import { createIsolatedVirtualHost, type IsolatedVirtualHost } from '../../infra/local/isolatedBackend.ts';

export { rabbitmqctl } from '../../infra/local/isolatedBackend.ts';

const BROKER = process.env.TEST_RABBITMQ_HOST ?? 'guest:guest@127.0.0.1:5672';

export type TestBroker = IsolatedVirtualHost;

export const createTestBroker = (prefix = 'test'): Promise<TestBroker> =>
  createIsolatedVirtualHost(prefix, `amqp://${BROKER}`);

/**
 * Takes every message now in `queue` (acknowledging them) and returns their parsed bodies. Quorum
 * queues with a single active consumer refuse basic.get, so this consumes the count the queue reports.
 */
export async function drainQueue<T = unknown>(url: string, queue: string): Promise<T[]> {
  return (await drainMessages<T>(url, queue)).map((message) => message.body);
}

/** drainQueue, with each message's headers. */
export async function drainMessages<T = unknown>(
  url: string,
  queue: string,
): Promise<{ body: T; headers: Record<string, unknown> }[]> {
  const connection = await amqp.connect(url);
  try {
    const channel = await connection.createChannel();
    const { messageCount } = await channel.checkQueue(queue);
    if (messageCount === 0) return [];
    const bodies: { body: T; headers: Record<string, unknown> }[] = [];
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${queue}: got ${bodies.length} of ${messageCount}`)),
        10_000,
      );
      void channel.prefetch(1_000);
      channel
        .consume(queue, (message) => {
          if (!message) return;
          bodies.push({
            body: JSON.parse(message.content.toString('utf8')) as T,
            headers: message.properties.headers ?? {},
          });
          channel.ack(message);
          if (bodies.length === messageCount) {
            clearTimeout(timer);
            resolve();
          }
        })
        .catch(reject);
    });
    // closing the channel first lets the broker settle the acks before the connection goes
    await channel.close();
    return bodies;
  } finally {
    await connection.close().catch(() => undefined);
  }
}
