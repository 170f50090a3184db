// The queue bridge on the real RabbitMQ: Amazon MQ's event shape, batches by size and window, order
// kept across a failed batch, nothing acked that was not processed, stop() settling its batch and
// applying what it received, and a dropped connection coming back by itself.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import amqp from 'amqplib';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  headerText,
  queueKey,
  type AmazonMqRabbitEvent,
  type AmazonMqRabbitMessage,
} from '../../functions/projectors/amazonMqEvent.ts';
import { startFaultProxy } from '../../tests/support/faultProxy.ts';
import { createTestBroker, type TestBroker } from '../../tests/support/testBroker.ts';
import { lambdaInvoker, startQueueBridge, type QueueBridgeOptions } from './queueBridge.ts';

const QUEUE = 'directory';
const ARN = 'arn:aws:mq:us-east-1:000000000000:broker:local:b-local';
const TIMESTAMP = 2021; // seconds: "Jan 1, 1970, 12:33:41 AM"

let broker: TestBroker;
let bridges: { stop(): Promise<void> }[] = [];
let nextPosition = 1;

beforeAll(async () => {
  broker = await createTestBroker('bridge');
});

afterEach(async () => {
  await Promise.all(bridges.map((bridge) => bridge.stop()));
  bridges = [];
});

afterAll(async () => {
  await broker?.delete();
});

/** Publishes `count` events with the next positions (confirmed by the broker) and returns them. */
async function publish(count: number): Promise<number[]> {
  const positions = Array.from({ length: count }, () => nextPosition++);
  const connection = await amqp.connect(broker.url);
  try {
    const channel = await connection.createConfirmChannel();
    for (const position of positions) {
      // the stream's number routes it to the queue, as the relay's does (brokerTopology.ts)
      channel.publish('domain-events', 'todo.created', Buffer.from(JSON.stringify({ position })), {
        persistent: true,
        contentType: 'application/json',
        messageId: `event-${position}`,
        correlationId: 'bridge-test',
        type: 'todo.created',
        appId: 'queue-bridge-test',
        timestamp: TIMESTAMP,
        headers: { source: 'queue-bridge-test', position, [`x-sequence-${QUEUE}`]: position },
      });
    }
    await channel.waitForConfirms();
    await channel.close();
  } finally {
    await connection.close();
  }
  return positions;
}

async function queueDepth(): Promise<number> {
  const connection = await amqp.connect(broker.url);
  try {
    return (await (await connection.createChannel()).checkQueue(QUEUE)).messageCount;
  } finally {
    await connection.close();
  }
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const messagesOf = (event: AmazonMqRabbitEvent): AmazonMqRabbitMessage[] =>
  event.rmqMessagesByQueue[queueKey(QUEUE, broker.vhost)] ?? [];
const positionOf = (message: AmazonMqRabbitMessage) =>
  (JSON.parse(Buffer.from(message.data, 'base64').toString('utf8')) as { position: number }).position;
const positionsOf = (events: AmazonMqRabbitEvent[]) => events.flatMap(messagesOf).map(positionOf);

/** Starts a bridge on the test queue that records every event and log line. */
function bridge(options: Partial<QueueBridgeOptions> & Pick<QueueBridgeOptions, 'invoke'>) {
  const logs: string[] = [];
  const started = startQueueBridge({
    rabbitmqUrl: broker.url,
    queue: QUEUE,
    batchSize: 10,
    maximumBatchingWindowMs: 200,
    eventSourceArn: ARN,
    log: (line) => logs.push(line),
    ...options,
  });
  bridges.push(started);
  return { logs, stop: () => started.stop() };
}

/** An `invoke` that records events; `behave` may delay or throw for a given call (1-based). */
function recorder(behave?: (call: number) => Promise<void> | void) {
  const calls: AmazonMqRabbitEvent[] = [];
  const succeeded: AmazonMqRabbitEvent[] = [];
  const invoke = async (event: AmazonMqRabbitEvent) => {
    calls.push(event);
    await behave?.(calls.length);
    succeeded.push(event);
  };
  return { calls, succeeded, invoke };
}

describe('queue bridge', () => {
  it('delivers the Amazon MQ event shape in order, in batches of at most batchSize', async () => {
    const published = await publish(25);
    const projector = recorder();
    bridge({ invoke: projector.invoke, batchSize: 10, maximumBatchingWindowMs: 500 });
    await waitFor(() => positionsOf(projector.calls).length >= 25, '25 messages');

    expect(positionsOf(projector.calls)).toEqual(published);
    for (const event of projector.calls) {
      expect(event.eventSource).toBe('aws:rmq');
      expect(event.eventSourceArn).toBe(ARN);
      expect(Object.keys(event.rmqMessagesByQueue)).toEqual([`${QUEUE}::${broker.vhost}`]);
      expect(messagesOf(event).length).toBeGreaterThan(0);
      expect(messagesOf(event).length).toBeLessThanOrEqual(10);
    }
    const messages = projector.calls.flatMap(messagesOf);
    messages.forEach((message, index) => {
      const position = published[index]!;
      const body = JSON.stringify({ position });
      expect(message.redelivered).toBe(false);
      expect(Buffer.from(message.data, 'base64').toString('utf8')).toBe(body);
      const { headers, ...properties } = message.basicProperties;
      expect(headerText(headers?.source)).toBe('queue-bridge-test');
      expect(headers?.source).toEqual({ bytes: [...Buffer.from('queue-bridge-test')] });
      expect(headers?.position).toBe(position);
      expect(properties).toEqual({
        contentType: 'application/json',
        contentEncoding: null,
        deliveryMode: 2,
        priority: null,
        correlationId: 'bridge-test',
        replyTo: null,
        expiration: null,
        messageId: `event-${position}`,
        timestamp: 'Jan 1, 1970, 12:33:41 AM',
        type: 'todo.created',
        userId: null,
        appId: 'queue-bridge-test',
        clusterId: null,
        bodySize: Buffer.byteLength(body),
      });
    });
  });

  it('flushes a partial batch once the batching window has passed', async () => {
    const published = await publish(3);
    const projector = recorder();
    const startedAt = Date.now();
    bridge({ invoke: projector.invoke, batchSize: 10, maximumBatchingWindowMs: 600 });
    await waitFor(() => projector.calls.length > 0, 'a partial batch');

    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(550);
    expect(positionsOf(projector.calls)).toEqual(published);
  });

  it('retries a failed batch in place while more wait behind it, losing and reordering nothing', async () => {
    // 25 messages, batches of 10: when the first batch fails, 10 more are prefetched and 5 wait in
    // the queue. (That a nack would let later events overtake the batch under load is shown by the
    // fault suite, tests/chaos/faults.chaos.test.ts, 'a projector killed mid-batch'.)
    const published = await publish(25);
    const projector = recorder((call) => {
      if (call === 1) throw new Error('projector failed');
    });
    const { logs, stop } = bridge({ invoke: projector.invoke, batchSize: 10 });
    await waitFor(() => positionsOf(projector.succeeded).length >= 25, 'every message processed');

    const [failed, retried] = projector.calls.map(messagesOf);
    expect(failed!.map(positionOf)).toEqual(published.slice(0, 10));
    expect(retried!.map(positionOf)).toEqual(published.slice(0, 10));
    expect(positionsOf(projector.succeeded)).toEqual(published);
    expect(logs.filter((line) => line.includes('failed'))).toHaveLength(1);

    await stop();
    expect(await queueDepth()).toBe(0);
  });

  it('keeps what arrived while a failed partial batch was in flight behind it', async () => {
    const first = await publish(3);
    let later: number[] = [];
    const projector = recorder(async (call) => {
      if (call !== 1) return;
      later = await publish(4);
      // give the broker time to push them to the bridge before this batch fails
      await new Promise((resolve) => setTimeout(resolve, 500));
      throw new Error('projector failed');
    });
    const { stop } = bridge({ invoke: projector.invoke, batchSize: 10, maximumBatchingWindowMs: 200 });
    await waitFor(() => positionsOf(projector.succeeded).length >= 7, 'every message processed');

    expect(positionsOf(projector.succeeded)).toEqual([...first, ...later]);
    await stop();
    expect(await queueDepth()).toBe(0);
  });

  it('stop() waits for the batch in flight and acks it before closing', async () => {
    const published = await publish(5);
    let finish = () => {};
    const projector = recorder(() => new Promise<void>((resolve) => (finish = resolve)));
    const { stop } = bridge({ invoke: projector.invoke, batchSize: 10, maximumBatchingWindowMs: 100 });
    await waitFor(() => projector.calls.length === 1, 'the first invocation');

    let stopped = false;
    const stopping = stop().then(() => (stopped = true));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(stopped).toBe(false);
    finish();
    await stopping;

    expect(positionsOf(projector.succeeded)).toEqual(published);
    expect(projector.calls).toHaveLength(1);
    expect(await queueDepth()).toBe(0);
  });

  it('stop() applies what it already received, in order, instead of handing it back', async () => {
    // three batches' worth: the bridge prefetches two, the third stays in the queue
    const published = await publish(30);
    let finish = () => {};
    const projector = recorder((call) =>
      call === 1 ? new Promise<void>((resolve) => (finish = resolve)) : undefined,
    );
    const { stop } = bridge({ invoke: projector.invoke, batchSize: 10, maximumBatchingWindowMs: 0 });
    await waitFor(() => projector.calls.length === 1, 'the first invocation');
    await new Promise((resolve) => setTimeout(resolve, 300)); // the second batch arrives meanwhile
    const stopping = stop();
    finish();
    await stopping;

    const applied = positionsOf(projector.succeeded);
    expect(applied).toEqual(published.slice(0, 20));
    // what stays is what the bridge never received, untouched: the next consumer starts there
    const next = recorder();
    bridge({ invoke: next.invoke, batchSize: 10, maximumBatchingWindowMs: 0 });
    await waitFor(() => positionsOf(next.succeeded).length === 10, 'the rest of the queue');
    expect(positionsOf(next.succeeded)).toEqual(published.slice(20));
    expect(next.succeeded.flatMap(messagesOf).map((message) => message.redelivered)).toEqual(
      Array(10).fill(false),
    );
  });

  it('reconnects after its connection is cut, logging the outage once', async () => {
    const server = new URL(broker.url);
    const link = await startFaultProxy({ host: server.hostname, port: Number(server.port || 5672) });
    try {
      const projector = recorder();
      const { logs, stop } = bridge({
        invoke: projector.invoke,
        maximumBatchingWindowMs: 100,
        rabbitmqUrl: link.urlFor(broker.url),
      });
      const before = await publish(5);
      await waitFor(() => positionsOf(projector.succeeded).length >= 5, 'the first messages');

      expect(link.connections()).toBe(1);
      link.cut();

      const after = await publish(5);
      const delivered = () => [...new Set(positionsOf(projector.succeeded))];
      await waitFor(() => delivered().length >= 10, 'the messages after the outage');
      // at least once: an ack the cut swallowed brings its message again, marked redelivered
      expect(delivered()).toEqual([...before, ...after]);
      const messages = projector.succeeded.flatMap(messagesOf);
      messages.forEach((message, index) => {
        const seenBefore = messages
          .slice(0, index)
          .some((earlier) => positionOf(earlier) === positionOf(message));
        if (seenBefore) expect(message.redelivered).toBe(true);
      });
      expect(logs.filter((line) => line.includes('lost the broker'))).toHaveLength(1);
      await stop();
      expect(await queueDepth()).toBe(0);
    } finally {
      await link.close();
    }
  });

  it('in requeue mode, nacks a failed batch back to the broker, where later messages overtake it', async () => {
    // as the cloud's event source mapping may: the projector must apply events in whatever order
    const published = await publish(25);
    const projector = recorder((call) => {
      if (call === 1) throw new Error('projector failed');
    });
    const { logs } = bridge({ invoke: projector.invoke, batchSize: 10, onFailure: 'requeue' });
    await waitFor(() => positionsOf(projector.succeeded).length >= 25, 'every message processed');

    expect(positionsOf(projector.succeeded).sort((a, b) => a - b)).toEqual(published);
    expect(positionsOf(projector.succeeded).slice(0, 10)).not.toEqual(published.slice(0, 10));
    const again = projector.succeeded.flatMap(messagesOf).filter((message) => message.redelivered);
    expect(again.map(positionOf).sort((a, b) => a - b)).toEqual(published.slice(0, 10));
    expect(logs.filter((line) => line.includes('requeued'))).toHaveLength(1);
  });
});

describe('lambdaInvoker', () => {
  it('invokes RequestResponse and rejects on a function error with its message', async () => {
    const bodies: unknown[] = [];
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        bodies.push(JSON.parse(Buffer.concat(chunks).toString('utf8')));
        const fail = request.url?.includes('/functions/broken/');
        if (fail) response.setHeader('X-Amz-Function-Error', 'Unhandled');
        response.end(fail ? JSON.stringify({ errorMessage: 'projection exploded' }) : 'null');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const event: AmazonMqRabbitEvent = {
        eventSource: 'aws:rmq',
        eventSourceArn: ARN,
        rmqMessagesByQueue: {},
      };
      await lambdaInvoker(endpoint, 'working')(event);
      await expect(lambdaInvoker(endpoint, 'broken')(event)).rejects.toThrow(/projection exploded/);
      expect(bodies).toEqual([event, event]);
    } finally {
      server.close();
    }
  });
});
