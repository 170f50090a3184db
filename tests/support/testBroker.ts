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

/** Takes every message now in `queue` (acknowledging them) and returns their parsed bodies. */
export async function drainQueue<T = unknown>(url: string, queue: string): Promise<T[]> {
  const connection = await amqp.connect(url);
  try {
    const channel = await connection.createChannel();
    const bodies: T[] = [];
    for (;;) {
      const message = await channel.get(queue, { noAck: true });
      if (!message) return bodies;
      bodies.push(JSON.parse(message.content.toString('utf8')) as T);
    }
  } finally {
    await connection.close();
  }
}
