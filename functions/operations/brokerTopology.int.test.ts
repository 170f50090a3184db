// The broker topology on the real RabbitMQ: declared from the catalog, idempotent, and replacing what
// a version before sequenced delivery declared (queues with a dead-letter exchange, the dead-letter
// queues themselves).
import amqp from 'amqplib';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestBroker, type TestBroker } from '../../tests/support/testBroker.ts';
import { projectionCatalog, projectionNames } from '../projectors/catalog.ts';
import { DELIVERY_LIMIT, setupTopology } from './brokerTopology.ts';

let broker: TestBroker;

beforeAll(async () => {
  // a virtual host with the topology of today, torn down below to what an earlier version left
  broker = await createTestBroker('topology');
});

afterAll(async () => {
  await broker?.delete();
});

async function onChannel<T>(work: (channel: amqp.Channel) => Promise<T>): Promise<T> {
  const connection = await amqp.connect(broker.url);
  try {
    const channel = await connection.createChannel();
    // a refused passive declare closes the channel with an error: the promise says so already
    channel.on('error', () => undefined);
    return await work(channel);
  } finally {
    await connection.close().catch(() => undefined);
  }
}

/** Does the queue exist (a passive declare closes the channel when it does not)? */
const exists = (queue: string) =>
  onChannel((channel) => channel.checkQueue(queue)).then(
    () => true,
    () => false,
  );

it('replaces queues declared with a dead-letter exchange, and removes the old dead-letter queues', async () => {
  const legacy = projectionCatalog.directory.queue;
  await onChannel(async (channel) => {
    await channel.deleteQueue(legacy);
    await channel.assertExchange('domain-events.dead-letter', 'direct', { durable: true });
    await channel.assertQueue(legacy, {
      durable: true,
      arguments: {
        'x-queue-type': 'quorum',
        'x-single-active-consumer': true,
        'x-delivery-limit': DELIVERY_LIMIT,
        'x-dead-letter-exchange': 'domain-events.dead-letter',
        'x-dead-letter-routing-key': legacy,
      },
    });
    await channel.assertQueue(`${legacy}.dead-letter`, {
      durable: true,
      arguments: { 'x-queue-type': 'quorum' },
    });
  });
  const logs: string[] = [];
  const connection = await amqp.connect(broker.url);
  try {
    await setupTopology(connection, 'domain-events', (line) => logs.push(line));
    // and again: nothing to replace any more
    await setupTopology(connection, 'domain-events', (line) => logs.push(line));
  } finally {
    await connection.close();
  }
  expect(logs).toEqual([
    `queue ${legacy}: declared by an earlier version with other arguments; replacing it`,
  ]);
  expect(await exists(`${legacy}.dead-letter`)).toBe(false);
  for (const name of projectionNames) expect(await exists(projectionCatalog[name].queue)).toBe(true);

  // the replaced queue is bound again, on its number: an event the relay numbered for it reaches it,
  // and one of a type it subscribes to but numbered for no stream of it (a partition's) does not
  await onChannel(async (channel) => {
    channel.publish('domain-events', 'todo.created', Buffer.from('{}'), {
      headers: { 'x-sequence-directory': 1 },
    });
    channel.publish('domain-events', 'todo.created', Buffer.from('{}'), {
      headers: { 'x-sequence-invoices': 1 },
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
  });
  expect(await onChannel(async (channel) => (await channel.checkQueue(legacy)).messageCount)).toBe(1);
  expect(await onChannel(async (channel) => (await channel.checkQueue('invoices')).messageCount)).toBe(1);
});

it('routes each event to the partitions whose numbers it carries', async () => {
  const partitions = 4;
  const streams = Array.from({ length: partitions }, (_, partition) => ({
    name: partition === 0 ? 'directory' : `directory.${partition}`,
    projection: 'directory' as const,
    partition,
    partitions,
  }));
  const connection = await amqp.connect(broker.url);
  try {
    await setupTopology(connection, 'domain-events', () => undefined, streams);
  } finally {
    await connection.close();
  }
  await onChannel(async (channel) => {
    for (const stream of streams) await channel.purgeQueue(stream.name);
    // an order touching items of partitions 1 and 3, then one touching partition 0 alone
    channel.publish('domain-events', 'order.created', Buffer.from('{}'), {
      headers: { position: 1, 'x-sequence-directory.1': 7, 'x-sequence-directory.3': 2 },
    });
    channel.publish('domain-events', 'order.created', Buffer.from('{}'), {
      headers: { position: 2, 'x-sequence-directory': 5 },
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
  });
  const depths = await onChannel(async (channel) =>
    Promise.all(streams.map(async (stream) => (await channel.checkQueue(stream.name)).messageCount)),
  );
  expect(depths).toEqual([1, 1, 0, 1]);
});
