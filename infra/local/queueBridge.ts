// The local stand-in for Amazon MQ's Lambda event source mapping (serverless-offline has no `rabbitmq`
// event): consume one projector queue, batch by size and window, invoke the projector with the Amazon
// MQ event shape, ack the batch on success and, on failure, retry it in place or nack it back to the
// broker as the cloud may (`onFailure`). Delivery is at least once, as in the cloud, and in order only
// as far as the broker keeps it (`redelivered: true` after the broker has given a batch back); the
// projector needs no more (decision 0013, sequenced delivery).
import { setTimeout as delay } from 'node:timers/promises';
import { InvokeCommand } from '@aws-sdk/client-lambda';
import amqp, { type Channel, type ChannelModel, type ConsumeMessage } from 'amqplib';
import {
  queueKey,
  type AmazonMqHeaderValue,
  type AmazonMqRabbitEvent,
  type AmazonMqRabbitMessage,
} from '../../functions/projectors/amazonMqEvent.ts';
import { createLambdaClient } from '../../functions/shared/awsClients.ts';
import { virtualHostOf } from '../../functions/shared/brokerUsers.ts';

export interface QueueBridgeOptions {
  rabbitmqUrl: string;
  queue: string;
  batchSize: number;
  maximumBatchingWindowMs: number;
  eventSourceArn: string;
  /** rejects when the function failed */
  invoke: (event: AmazonMqRabbitEvent) => Promise<void>;
  log: (message: string) => void;
  /**
   * What happens to a batch whose invocation failed: `retry-in-place` (the default) invokes again
   * with it, still unacknowledged, after a backoff; `requeue` nacks it back to the broker, as the
   * cloud's event source mapping may, so the events behind it can overtake it (a quorum queue puts
   * requeued messages at its back).
   */
  onFailure?: 'retry-in-place' | 'requeue';
}

interface Session {
  connection: ChannelModel;
  channel: Channel;
  consumerTag?: string;
}

const backoffMs = (attempt: number) => Math.min(200 * 2 ** attempt, 10_000);
const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));

export function startQueueBridge(options: QueueBridgeOptions): { stop(): Promise<void> } {
  const { queue, batchSize, log } = options;
  const key = queueKey(queue, virtualHostOf(options.rabbitmqUrl));
  /** stop() has begun: no new batch starts by itself, and nothing reconnects */
  let draining = false;
  let stopped = false;
  let session: Session | undefined;
  let pending: ConsumeMessage[] = [];
  let windowTimer: NodeJS.Timeout | undefined;
  let windowElapsed = false;
  /** the batch being delivered; true once it is acknowledged */
  let inFlight: Promise<boolean> | undefined;
  let failures = 0;
  // stop() cuts backoffs short rather than wait up to 10 s for a retry nobody will make
  const stopping = new AbortController();
  const sleep = (ms: number) => delay(ms, undefined, { signal: stopping.signal }).catch(() => undefined);

  const resetWindow = () => {
    clearTimeout(windowTimer);
    windowTimer = undefined;
    windowElapsed = false;
  };
  const startWindow = () => {
    windowTimer = setTimeout(() => {
      windowElapsed = true;
      pump();
    }, options.maximumBatchingWindowMs);
  };

  // One batch at a time, whichever session delivered it: the projector applies events in order.
  const pump = () => {
    if (draining || inFlight || !session || pending.length === 0) return;
    if (pending.length < batchSize && !windowElapsed) return;
    const batch = pending.splice(0, batchSize);
    resetWindow();
    if (pending.length > 0) startWindow();
    const owner = session;
    inFlight = deliver(owner, batch).finally(() => {
      inFlight = undefined;
      pump();
    });
  };

  // By default a failed batch is retried in place, still unacknowledged, until it succeeds: a quorum
  // queue would put a nacked batch at its back (measured on RabbitMQ 3.10), behind newer events. The
  // projector applies events in sequence whatever order they come in, so either way nothing is lost;
  // in place, nothing waits behind a gap either.
  const deliver = async (owner: Session, batch: ConsumeMessage[]): Promise<boolean> => {
    const last = batch[batch.length - 1]!;
    let failedBefore = false;
    for (;;) {
      try {
        await options.invoke(toEvent(batch));
        failures = 0;
        break;
      } catch (error) {
        if (options.onFailure === 'requeue') {
          log(`${queue}: batch of ${batch.length} failed, requeued: ${errorText(error)}`);
          if (session !== owner) return false;
          await sleep(backoffMs(failures++));
          try {
            owner.channel.nack(last, true, true);
          } catch {
            // the channel is closing: the broker requeues the batch anyway
          }
          return false;
        }
        // say it once per batch, not on every retry
        if (!failedBefore) log(`${queue}: batch of ${batch.length} failed, retrying: ${errorText(error)}`);
        failedBefore = true;
        // stopping or lost: the broker gets the batch back, unacknowledged, when the channel closes
        if (draining || session !== owner) return false;
        await sleep(backoffMs(failures++));
        if (draining || session !== owner) return false;
      }
    }
    if (session !== owner) return false;
    try {
      // allUpTo covers exactly this batch: earlier tags are settled, later ones are still pending
      owner.channel.ack(last, true);
      return true;
    } catch {
      // the channel is closing under us: the broker requeues whatever it did not see settled
      return false;
    }
  };

  const toEvent = (batch: ConsumeMessage[]): AmazonMqRabbitEvent => ({
    eventSource: 'aws:rmq',
    eventSourceArn: options.eventSourceArn,
    rmqMessagesByQueue: { [key]: batch.map(toAmazonMqMessage) },
  });

  // The broker requeues every unacked message of a lost channel, so losing a session only forgets.
  const lose = (lost: Session, reason: string) => {
    if (session !== lost) return;
    session = undefined;
    pending = [];
    resetWindow();
    void lost.connection.close().catch(() => undefined);
    if (draining) return;
    log(`${queue}: lost the broker (${reason}), reconnecting`);
    connecting = connect(true);
  };

  const open = async () => {
    const connection = await amqp.connect(options.rabbitmqUrl, { timeout: 3_000 });
    // Losses during setup mostly surface as a rejected call below, and only a live session reconnects
    // by itself. A loss reported while the consumer's confirmation is on its way is remembered: that
    // session would otherwise go live with a dead channel, and its queue would wait for no consumer.
    let live: Session | undefined;
    let lostDuringSetup: string | undefined;
    const onLost = (reason: string) => (live ? lose(live, reason) : (lostDuringSetup ??= reason));
    connection.on('error', (error: unknown) => onLost(errorText(error)));
    connection.on('close', () => onLost('connection closed'));
    try {
      const channel = await connection.createChannel();
      channel.on('error', (error: unknown) => onLost(errorText(error)));
      channel.on('close', () => onLost('channel closed'));
      const opened: Session = { connection, channel };
      session = opened;
      // two batches' worth: the next batch is already here when the one in flight is acked
      await channel.prefetch(batchSize * 2);
      const { consumerTag } = await channel.consume(queue, (message) => {
        if (!message) return void onLost('consumer cancelled by the broker');
        // until stop() has the broker's word that the consumer is cancelled, what arrives is applied
        if (session !== opened || stopped) return; // left unacked: requeued when the channel closes
        pending.push(message);
        if (!windowTimer) startWindow();
        pump();
      });
      if (lostDuringSetup !== undefined) throw new Error(`lost while setting up: ${lostDuringSetup}`);
      live = Object.assign(opened, { consumerTag });
    } catch (error) {
      session = undefined;
      pending = [];
      resetWindow();
      await connection.close().catch(() => undefined);
      throw error;
    }
  };

  const connect = async (inOutage: boolean) => {
    for (let attempt = 0; !draining; attempt++) {
      try {
        return await open();
      } catch (error) {
        // one line per outage, not one per attempt
        if (!inOutage) log(`${queue}: cannot reach the broker (${errorText(error)}), retrying`);
        inOutage = true;
        await sleep(backoffMs(attempt));
      }
    }
  };
  let connecting = connect(false);

  return {
    async stop() {
      draining = true;
      // a batch waiting for its retry gives up: it goes back to the broker with what follows it
      stopping.abort();
      resetWindow();
      await connecting;
      const current = session;
      // after the broker confirms the cancel nothing more arrives; what it sent is in `pending`
      if (current?.consumerTag) await current.channel.cancel(current.consumerTag).catch(() => undefined);
      // Apply what was received, in order, rather than hand it back: a quorum queue may deliver
      // messages a closing channel returns after ones behind them (measured: 1 round in 20 on
      // RabbitMQ 3.10), and the projector would then skip them as already applied.
      let delivered = (await inFlight) ?? true;
      while (delivered && current && session === current && pending.length > 0) {
        delivered = await deliver(current, pending.splice(0, batchSize));
      }
      stopped = true;
      resetWindow();
      session = undefined;
      // Channel first: its close round trip flushes the ack. An ack still in amqplib's per-channel
      // buffer when connection.close() goes out never reaches the broker (classic and quorum queues).
      await current?.channel.close().catch(() => undefined);
      await current?.connection.close().catch(() => undefined);
    },
  };
}

function toAmazonMqMessage(message: ConsumeMessage): AmazonMqRabbitMessage {
  // amqplib leaves absent properties undefined; Amazon MQ sends null
  const p = message.properties;
  return {
    basicProperties: {
      contentType: p.contentType ?? null,
      contentEncoding: p.contentEncoding ?? null,
      headers: p.headers
        ? Object.fromEntries(Object.entries(p.headers).map(([name, value]) => [name, headerValue(value)]))
        : null,
      deliveryMode: p.deliveryMode ?? null,
      priority: p.priority ?? null,
      correlationId: p.correlationId ?? null,
      replyTo: p.replyTo ?? null,
      expiration: p.expiration ?? null,
      messageId: p.messageId ?? null,
      timestamp: typeof p.timestamp === 'number' ? amazonMqTimestamp(p.timestamp) : null,
      type: p.type ?? null,
      userId: p.userId ?? null,
      appId: p.appId ?? null,
      clusterId: p.clusterId ?? null,
      bodySize: message.content.length,
    },
    redelivered: message.fields.redelivered,
    data: message.content.toString('base64'),
  };
}

/** Amazon MQ sends strings (and anything else that is not a number or boolean) as UTF-8 bytes. */
function headerValue(value: unknown): AmazonMqHeaderValue {
  if (value === undefined || value === null) return null;
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  if (Buffer.isBuffer(value)) return { bytes: [...value] };
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return { bytes: [...Buffer.from(text, 'utf8')] };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "Jan 1, 1970, 12:33:41 AM" in UTC; built by hand because ICU's spacing before AM varies by version. */
function amazonMqTimestamp(seconds: number): string {
  const date = new Date(seconds * 1000);
  const hours = date.getUTCHours();
  const pad = (n: number) => String(n).padStart(2, '0');
  const time = `${hours % 12 || 12}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`;
  const day = `${MONTHS[date.getUTCMonth()]} ${date.getUTCDate()}, ${date.getUTCFullYear()}`;
  return `${day}, ${time} ${hours < 12 ? 'AM' : 'PM'}`;
}

/** Invokes a function through serverless-offline's Lambda endpoint; rejects when the function failed. */
export function lambdaInvoker(
  endpoint: string,
  functionName: string,
): (event: AmazonMqRabbitEvent) => Promise<void> {
  const lambda = createLambdaClient({ AWS_REGION: 'us-east-1', LAMBDA_ENDPOINT: endpoint });
  return async (event) => {
    const result = await lambda.send(
      new InvokeCommand({
        FunctionName: functionName,
        InvocationType: 'RequestResponse',
        Payload: Buffer.from(JSON.stringify(event)),
      }),
    );
    if (!result.FunctionError) return;
    const payload = result.Payload ? Buffer.from(result.Payload).toString('utf8') : '';
    let message = payload;
    try {
      message = String((JSON.parse(payload) as { errorMessage?: unknown }).errorMessage ?? payload);
    } catch {
      // not the usual {errorMessage, errorType} body: report it raw
    }
    throw new Error(`${functionName} failed (${result.FunctionError}): ${message.slice(0, 300)}`);
  };
}
