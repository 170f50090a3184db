// A projector Lambda: an Amazon MQ batch in, the projection's table exactly up to date out. Any error
// fails the whole batch (Amazon MQ has no partial-batch response) and the batch comes again, in
// whatever order; poison events and messages without a valid sequence are parked instead, so one bad
// message cannot stop the stream. Its queue is the only way into its table (redrives included), and
// the table's lease keeps a second invocation from writing beside it.
import { randomUUID } from 'node:crypto';
import type { Context } from 'aws-lambda';
import { dynamoDb } from '../shared/aws.ts';
import { logger } from '../shared/logger.ts';
import { emitMetrics, metricNames, MetricUnit } from '../shared/metrics.ts';
import { traced } from '../shared/tracer.ts';
import { queuesOf, type AmazonMqRabbitEvent } from './amazonMqEvent.ts';
import { applyBatch, type BatchResult } from './applyBatch.ts';
import type { ParkedEvent } from './parkedEvent.ts';
import { streamNamed, streamsOf, partitionView, type Stream } from './streams.ts';
import { parkEvents } from './deadLetters.ts';
import { decodeMessages } from './decodeMessages.ts';
import type { Projection } from './projection.ts';
import { dynamoProjectionStore } from './dynamoProjectionStore.ts';
import { readLiveTable } from './liveTables.ts';

/** Without a Lambda context (a direct call in a test or a tool), the function's timeout in serverless.yml. */
const DEFAULT_TIME_LEFT_MS = 60_000;
/** Stop writing this long before Lambda stops the invocation, so no write is cut off half-sent. */
const DEADLINE_SAFETY_MS = 2_000;

/**
 * The stream a batch belongs to: the queue it came from (a projector has a mapping per partition, each
 * on its partition's queue). A queue that is no partition of this projection is a wiring mistake: the
 * batch fails, and comes again once the mapping is put right.
 */
function streamOf(batch: AmazonMqRabbitEvent, projection: Pick<Projection, 'name'>): Stream {
  const [queue, ...others] = queuesOf(batch);
  if (queue === undefined) return streamsOf(projection.name)[0]!;
  const stream = streamNamed(queue);
  if (!stream || stream.projection !== projection.name || others.some((other) => other !== queue)) {
    throw new Error(`the ${projection.name} projector was given a batch of ${queuesOf(batch).join(', ')}`);
  }
  return stream;
}

export function projectorHandler<Item extends object>(projection: Projection<Item>) {
  // This container's name as a writer of each stream. Lambda runs one invocation at a time in a
  // container, and a mapping (one a partition) one at a time, so when one of a stream's starts, the
  // stream's previous one here has ended with nothing in flight: a lease it left behind (DynamoDB
  // unreachable when it gave up) is taken back at once. An invocation beside another of the same
  // stream in one process (serverless-offline runs them in-process) is a writer of its own. Per
  // stream, because one process serves every partition's batches side by side: with one token,
  // a partition that could not give its lease up waited for it to expire (seen in the fault suite).
  const containerTokens = new Map<string, { token: string; running: boolean }>();
  const park = async (parked: readonly ParkedEvent[], stream: Stream) => {
    for (const event of parked) {
      logger.warn('parked an event', {
        projector: projection.name,
        stream: stream.name,
        position: event.position,
        error: event.error,
      });
    }
    await parkEvents(stream, parked);
  };

  return traced(async (batch: AmazonMqRabbitEvent, context?: Pick<Context, 'getRemainingTimeInMillis'>) => {
    const deadline =
      Date.now() + (context?.getRemainingTimeInMillis() ?? DEFAULT_TIME_LEFT_MS) - DEADLINE_SAFETY_MS;
    // read per batch: a rebuild may switch the table between two batches
    const live = await readLiveTable(projection.name);
    if (live.state === 'switching') {
      throw new Error(`${projection.name} is switching to a rebuilt table; the batch will come again`);
    }
    const stream = streamOf(batch, projection);
    const own = containerTokens.get(stream.name) ?? { token: randomUUID(), running: false };
    containerTokens.set(stream.name, own);
    const token = own.running ? randomUUID() : own.token;
    if (token === own.token) own.running = true;
    let result: BatchResult;
    try {
      const store = dynamoProjectionStore(dynamoDb(), live.table, {
        deadline,
        token,
        partition: stream.partition,
      });
      result = await applyBatch(
        store,
        partitionView(projection, stream),
        decodeMessages(batch, stream.name),
        {
          park: (parked) => park(parked, stream),
          now: new Date(),
        },
      );
    } finally {
      if (token === own.token) own.running = false;
    }
    const summary = {
      applied: result.applied,
      duplicates: result.duplicates,
      held: result.held,
      parked: result.parked.length,
      sequence: result.checkpoint.sequence,
      heldCount: result.checkpoint.heldCount,
      ...(result.redriven + result.alreadyRedriven > 0 && {
        redriven: result.redriven,
        alreadyRedriven: result.alreadyRedriven,
      }),
    };
    logger.info('applied a batch', { projector: projection.name, stream: stream.name, ...summary });
    // how far it is behind, and what it holds, the relay measures: it does so even when this stands still
    emitMetrics(
      { projector: projection.name },
      {
        [metricNames.appliedEvents]: [MetricUnit.Count, result.applied],
        [metricNames.duplicateEvents]: [MetricUnit.Count, result.duplicates],
        [metricNames.parkedEvents]: [MetricUnit.Count, result.parked.length],
      },
    );
    return summary;
  });
}
