// A redrive goes through the projector's own queue (the relay puts parked events there), so the
// projector stays its table's one writer: an event still poison is parked again, and after the fix it
// applies exactly once however often it is redriven.
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { LocalAws } from '../../infra/local/localAws.ts';
import { startQueueBridge } from '../../infra/local/queueBridge.ts';
import { EVENTS_EXCHANGE } from '../operations/brokerTopology.ts';
import { eventFactory } from '../../tests/support/events.ts';
import { startTestAws } from '../../tests/support/localAwsForTests.ts';
import { createTestBroker, type TestBroker } from '../../tests/support/testBroker.ts';
import type { EventPublisher } from '../relay/eventPublisher.ts';

let aws: LocalAws & { prefix: string };
let broker: TestBroker;
let publisher: EventPublisher;
let bridge: { stop(): Promise<void> };
const results: Record<string, number>[] = [];
let readTodo: (todoId: number) => Promise<Record<string, unknown> | undefined>;

beforeAll(async () => {
  [aws, broker] = await Promise.all([startTestAws(), createTestBroker('redrive')]);
  // a handler reads its settings when it is built, at import: the code under test loads after startTestAws
  const { handler } = await import('../directory/projector.ts');
  const { rabbitPublisher } = await import('../relay/eventPublisher.ts');
  const { dynamoDb } = await import('../shared/aws.ts');
  publisher = rabbitPublisher(broker.url, EVENTS_EXCHANGE);
  bridge = startQueueBridge({
    rabbitmqUrl: broker.url,
    queue: 'directory',
    batchSize: 10,
    maximumBatchingWindowMs: 0,
    eventSourceArn: 'arn:aws:mq:us-east-1:000000000000:broker:test',
    invoke: async (event) => void results.push((await handler(event)) as Record<string, number>),
    // a failing batch is retried in place: say why, or a timeout below would hide it
    log: (message) => console.warn(`[bridge] ${message}`),
  });
  readTodo = async (todoId) =>
    (
      await dynamoDb().send(
        new GetCommand({ TableName: `${aws.prefix}-directory`, Key: { pk: `TODO#${todoId}`, sk: 'TODO' } }),
      )
    ).Item;
});

afterAll(async () => {
  await bridge?.stop();
  await publisher?.close();
  await Promise.all([aws?.stop(), broker?.delete()]);
});

/**
 * What the projector reported since `mark` (a count of results), summed: messages published together
 * may arrive in more than one batch. Waits until `done` says the sum is complete.
 */
async function reportedSince(mark: number, done: (sum: Record<string, number>) => boolean) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const sum: Record<string, number> = {};
    for (const result of results.slice(mark)) {
      for (const [key, value] of Object.entries(result)) {
        if (key !== 'sequence' && key !== 'heldCount') sum[key] = (sum[key] ?? 0) + value;
      }
    }
    if (done(sum)) return sum;
    if (Date.now() > deadline) throw new Error(`the projector reported only ${JSON.stringify(sum)}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

it('parks a redriven event that still fails, and applies it once after the fix', async () => {
  const event = eventFactory(30_000_000);
  const completedTooEarly = event('todo.completed', { todoId: 999 });

  let mark = results.length;
  await publisher.publish([
    { event: event('todo.created', { todoId: 7, title: 'Learn CQRS' }), sequences: { directory: 1 } },
    { event: completedTooEarly, sequences: { directory: 2 } },
  ]);
  expect(await reportedSince(mark, (sum) => (sum.applied ?? 0) + (sum.parked ?? 0) >= 2)).toMatchObject({
    applied: 1,
    parked: 1,
  });

  // not fixed yet: it comes back to the dead-letter queue
  mark = results.length;
  await publisher.requeueForRedrive('directory', [completedTooEarly]);
  const stillPoison = await reportedSince(mark, (sum) => (sum.parked ?? 0) >= 1);
  expect(stillPoison).toMatchObject({ parked: 1 });
  expect(stillPoison.redriven ?? 0).toBe(0);

  // the fix: the todo exists now; the redrive applies, once, however often it comes
  mark = results.length;
  await publisher.publish([
    { event: event('todo.created', { todoId: 999, title: 'Ship it' }), sequences: { directory: 3 } },
  ]);
  await reportedSince(mark, (sum) => sum.applied === 1);
  for (const expected of [
    { redriven: 1, alreadyRedriven: 0 },
    { redriven: 0, alreadyRedriven: 1 },
  ]) {
    mark = results.length;
    await publisher.requeueForRedrive('directory', [completedTooEarly]);
    expect(await reportedSince(mark, (sum) => 'redriven' in sum)).toMatchObject({ ...expected, parked: 0 });
  }
  expect(await readTodo(999)).toMatchObject({ title: 'Ship it', completed: true });
});
