// A fresh RabbitMQ virtual host per test file, with the project's topology: runs never collide.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import amqp from 'amqplib';
import { setupTopology } from '../../infra/rabbitmq/topology.ts';

const run = promisify(execFile);
const BROKER = process.env.TEST_RABBITMQ_HOST ?? 'guest:guest@127.0.0.1:5672';

export const rabbitmqctl = (...args: string[]) => run('rabbitmqctl', ['-q', ...args], { timeout: 60_000 });

export interface TestBroker {
  url: string;
  vhost: string;
  delete(): Promise<void>;
}

export async function createTestBroker(prefix = 'test'): Promise<TestBroker> {
  const vhost = `${prefix}_${Date.now().toString(36)}_${randomBytes(3).toString('hex')}`;
  await rabbitmqctl('add_vhost', vhost);
  await rabbitmqctl('set_permissions', '-p', vhost, 'guest', '.*', '.*', '.*');
  const url = `amqp://${BROKER}/${encodeURIComponent(vhost)}`;
  const connection = await amqp.connect(url);
  try {
    await setupTopology(await connection.createChannel());
  } finally {
    await connection.close();
  }
  return {
    url,
    vhost,
    async delete() {
      await rabbitmqctl('delete_vhost', vhost);
    },
  };
}

/**
 * Takes every message now in `queue` (acknowledging them) and returns their parsed bodies. Quorum
 * queues with a single active consumer refuse basic.get, so this consumes the count the queue reports.
 */
export async function drainQueue<T = unknown>(url: string, queue: string): Promise<T[]> {
  const connection = await amqp.connect(url);
  try {
    const channel = await connection.createChannel();
    const { messageCount } = await channel.checkQueue(queue);
    if (messageCount === 0) return [];
    const bodies: T[] = [];
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${queue}: got ${bodies.length} of ${messageCount}`)),
        10_000,
      );
      void channel.prefetch(1_000);
      channel
        .consume(queue, (message) => {
          if (!message) return;
          bodies.push(JSON.parse(message.content.toString('utf8')) as T);
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
