// The projectors on the embedded DynamoDB and SQS: exactly once under redelivery and crashes, events
// beyond a gap held in the table until it fills, one writer at a time by lease, poison events and
// messages without a sequence parked without stopping the stream, and invoices complete whatever
// order events arrive in.
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import {
  BatchWriteCommand,
  PutCommand,
  ScanCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DomainEvent } from '../../events/contracts.ts';
import { catalogOrder, eventFactory, widgetLine } from '../../tests/support/events.ts';
import { startTestAws } from '../../tests/support/localAwsForTests.ts';
import type { LocalAws } from '../../infra/local/localAws.ts';
import { applyToTable, numbered } from '../../tests/support/projectorBatches.ts';
import { queueKey, type AmazonMqRabbitEvent } from './amazonMqEvent.ts';
import { sequenceHeader } from './streams.ts';
import { PoisonEventError } from './projection.ts';
import { LeaseHeldError } from './projectionStore.ts';
import { dynamoProjectionStore } from './dynamoProjectionStore.ts';

let aws: LocalAws & { prefix: string };
let modules: {
  analyticsProjection: typeof import('../analytics/analyticsProjection.ts').analyticsProjection;
  invoiceProjection: typeof import('../invoices/invoiceProjection.ts').invoiceProjection;
  dynamoDb: typeof import('../shared/aws.ts').dynamoDb;
  sqs: typeof import('../shared/aws.ts').sqs;
  readItems: typeof import('./readItems.ts').readItems;
  directoryHandler: typeof import('../directory/projector.ts').handler;
  findInvoices: typeof import('../invoices/query/invoiceReader.ts').findInvoices;
  deadLetterQueueUrl: typeof import('./deadLetters.ts').deadLetterQueueUrl;
};

beforeAll(async () => {
  aws = await startTestAws();
  modules = {
    analyticsProjection: (await import('../analytics/analyticsProjection.ts')).analyticsProjection,
    invoiceProjection: (await import('../invoices/invoiceProjection.ts')).invoiceProjection,
    dynamoDb: (await import('../shared/aws.ts')).dynamoDb,
    sqs: (await import('../shared/aws.ts')).sqs,
    readItems: (await import('./readItems.ts')).readItems,
    directoryHandler: (await import('../directory/projector.ts')).handler,
    findInvoices: (await import('../invoices/query/invoiceReader.ts')).findInvoices,
    deadLetterQueueUrl: (await import('./deadLetters.ts')).deadLetterQueueUrl,
  };
});

afterAll(async () => {
  await aws?.stop();
});

/** A fresh analytics table for one test, so that tests do not see each other's totals. */
let tableCounter = 0;
async function freshAnalyticsTable(): Promise<string> {
  const { createReadModelResources } = await import('../../infra/local/localAws.ts');
  const prefix = `${aws.prefix}-${++tableCounter}`;
  await createReadModelResources(prefix, aws);
  return `${prefix}-analytics`;
}

function analyticsStory() {
  const event = eventFactory();
  const events: DomainEvent[] = [
    event('product.created', {
      productId: 1,
      name: 'Mouse',
      category: 'Electronics',
      priceCents: 2999,
      stock: 100,
    }),
    event('product.created', { productId: 2, name: 'Lamp', category: 'Home', priceCents: 1050, stock: 100 }),
  ];
  for (let orderId = 1; orderId <= 30; orderId++) {
    events.push(
      event(
        'order.created',
        catalogOrder(orderId, 100 + (orderId % 4), [
          { productId: 1, category: 'Electronics', quantity: 1 + (orderId % 3), unitPriceCents: 2999 },
          ...(orderId % 2 ? [{ productId: 2, category: 'Home', quantity: 2, unitPriceCents: 1050 }] : []),
        ]),
        `2025-04-10T${String(10 + (orderId % 5)).padStart(2, '0')}:30:00.000Z`,
      ),
    );
  }
  return events;
}

async function scan(tableName: string) {
  const { Items = [] } = await modules
    .dynamoDb()
    .send(new ScanCommand({ TableName: tableName, ConsistentRead: true }));
  return Items;
}

/** The read items, without the projector's bookkeeping (checkpoint, held events). */
async function snapshot(tableName: string) {
  return (await scan(tableName))
    .filter((item) => item.pk !== 'CHECKPOINT' && item.pk !== 'HELD')
    .sort((a, b) => `${a.pk}${a.sk}`.localeCompare(`${b.pk}${b.sk}`));
}

const checkpointOf = async (tableName: string) =>
  (await scan(tableName)).find((item) => item.pk === 'CHECKPOINT');

describe('exactly once', () => {
  it('the same batch delivered twice gives the same read model', async () => {
    const tableName = await freshAnalyticsTable();
    const events = numbered(analyticsStory());
    const first = await applyToTable(modules.dynamoDb(), tableName, modules.analyticsProjection, events);
    const once = await snapshot(tableName);
    const again = await applyToTable(modules.dynamoDb(), tableName, modules.analyticsProjection, events);
    expect(first.applied).toBe(events.length);
    expect(again).toMatchObject({ applied: 0, duplicates: events.length });
    expect(await snapshot(tableName)).toEqual(once);
    const mouse = once.find((item) => item.pk === 'PRODUCT#1')!;
    // orders 1..30 buy 1 + (id % 3) mice: ten orders each of 2, 3 and 1
    expect(mouse).toMatchObject({ totalQuantitySold: 60, revenueCents: 60 * 2999, orderCount: 30 });
  });

  it('a projector killed in the middle of a batch and restarted gives exactly the right totals', async () => {
    const events = numbered(analyticsStory());
    const reference = await freshAnalyticsTable();
    await applyToTable(modules.dynamoDb(), reference, modules.analyticsProjection, events);
    const tableName = await freshAnalyticsTable();
    // 13 items and the checkpoint: three crashes leave 10 items written, in three different states
    for (const crashAfter of [3, 4, 3]) {
      await expect(
        applyToTable(
          crashingAfter(modules.dynamoDb(), crashAfter),
          tableName,
          modules.analyticsProjection,
          events,
        ),
      ).rejects.toThrow('killed');
    }
    await applyToTable(modules.dynamoDb(), tableName, modules.analyticsProjection, events);
    expect(await snapshot(tableName)).toEqual(await snapshot(reference));
  });
});

describe('any order', () => {
  it('holds events beyond a gap in the table, acknowledged, and applies them when the gap fills', async () => {
    const events = numbered(analyticsStory());
    const reference = await freshAnalyticsTable();
    await applyToTable(modules.dynamoDb(), reference, modules.analyticsProjection, events);
    const tableName = await freshAnalyticsTable();
    const apply = (batch: typeof events) =>
      applyToTable(modules.dynamoDb(), tableName, modules.analyticsProjection, batch);

    // the last ten first, then the first ten: 11..22 are missing
    expect(await apply(events.slice(22))).toMatchObject({ applied: 0, held: 10 });
    expect(await apply(events.slice(0, 10))).toMatchObject({ applied: 10, held: 0 });
    expect(await checkpointOf(tableName)).toMatchObject({ sequence: 10, heldCount: 10, heldFrom: 23 });
    expect((await scan(tableName)).filter((item) => item.pk === 'HELD')).toHaveLength(10);

    // the gap fills in two late batches, the second with a repeat of the first
    expect(await apply(events.slice(10, 16))).toMatchObject({ applied: 6 });
    expect(await apply(events.slice(10, 22).reverse())).toMatchObject({ applied: 16, duplicates: 6 });
    const checkpoint = await checkpointOf(tableName);
    expect(checkpoint).toMatchObject({ sequence: 32, heldCount: 0, position: events.at(-1)!.event.position });
    expect(checkpoint?.waitingSince).toBeUndefined();
    expect((await scan(tableName)).filter((item) => item.pk === 'HELD')).toEqual([]);
    expect(await snapshot(tableName)).toEqual(await snapshot(reference));
  });
});

describe('one writer at a time', () => {
  it('a second writer is refused while the lease lasts, and may take it over once it has lapsed', async () => {
    const tableName = await freshAnalyticsTable();
    const events = numbered(analyticsStory());
    let clock = Date.now();
    const now = () => clock;
    const first = dynamoProjectionStore(modules.dynamoDb(), tableName, { deadline: clock + 1_000, now });
    await first.acquire();
    const second = dynamoProjectionStore(modules.dynamoDb(), tableName, { deadline: clock + 60_000, now });
    await expect(second.acquire()).rejects.toBeInstanceOf(LeaseHeldError);
    await expect(
      applyToTable(modules.dynamoDb(), tableName, modules.analyticsProjection, events),
    ).rejects.toBeInstanceOf(LeaseHeldError);

    // the first writer's deadline and the margin pass: it writes nothing more, and the second takes over
    clock += 1_000 + 15_001;
    await expect(first.write([], [])).rejects.toThrow(/deadline/);
    expect(await second.acquire()).toBeUndefined();
    await expect(first.commit({ sequence: 1 } as never)).rejects.toThrow();
    await second.release();
    await applyToTable(modules.dynamoDb(), tableName, modules.analyticsProjection, events);
    expect(await checkpointOf(tableName)).toMatchObject({ sequence: events.length });
    expect(await checkpointOf(tableName)).not.toHaveProperty('leaseToken');
  });
});

/** A client whose process "dies" after writing `writes` items: later items are never written. */
function crashingAfter(db: DynamoDBDocumentClient, writes: number): DynamoDBDocumentClient {
  let left = writes;
  return {
    send: async (command: unknown) => {
      if (command instanceof PutCommand && left-- <= 0) throw new Error('killed');
      if (command instanceof BatchWriteCommand) {
        const [table, requests] = Object.entries(command.input.RequestItems!)[0]!;
        const written = requests.slice(0, Math.max(0, left));
        left -= requests.length;
        if (written.length > 0) await db.send(new BatchWriteCommand({ RequestItems: { [table]: written } }));
        if (left < 0) throw new Error('killed');
        return { UnprocessedItems: {} };
      }
      return db.send(command as never);
    },
  } as unknown as DynamoDBDocumentClient;
}

/** A directory batch: each message's body, and its number in the directory stream if it has one. */
function amazonMqBatch(messages: { body: string; sequence?: number }[]): AmazonMqRabbitEvent {
  return {
    eventSource: 'aws:rmq',
    eventSourceArn: 'arn:aws:mq:us-east-1:000000000000:broker:test',
    rmqMessagesByQueue: {
      [queueKey('directory')]: messages.map(({ body, sequence }) => ({
        basicProperties: {
          contentType: 'application/json',
          contentEncoding: null,
          headers: sequence === undefined ? null : { [sequenceHeader('directory')]: sequence },
          deliveryMode: 2,
          priority: null,
          correlationId: null,
          replyTo: null,
          expiration: null,
          messageId: null,
          timestamp: null,
          type: null,
          userId: null,
          appId: null,
          clusterId: null,
          bodySize: body.length,
        },
        redelivered: false,
        data: Buffer.from(body).toString('base64'),
      })),
    },
  };
}

describe('poison events', () => {
  it('are parked in the SQS dead-letter queue with their error, and the events after them still apply', async () => {
    const event = eventFactory(5_000_000);
    const created = event('todo.created', { todoId: 7, title: 'Learn CQRS' });
    const impossible = event('todo.completed', { todoId: 999 });
    const completed = event('todo.completed', { todoId: 7 });
    const unnumbered = event('todo.created', { todoId: 8, title: 'Not from the relay' });
    const result = await modules.directoryHandler(
      amazonMqBatch([
        { body: JSON.stringify(created), sequence: 1 },
        { body: '{"not": "an event"}', sequence: 2 },
        { body: JSON.stringify(impossible), sequence: 2 },
        { body: JSON.stringify(unnumbered) },
        { body: JSON.stringify(completed), sequence: 3 },
      ]),
    );
    // the poison event takes its number; the two messages that are not numbered events are set aside
    expect(result).toMatchObject({ applied: 2, parked: 3, sequence: 3 });
    const items = await modules.readItems(modules.dynamoDb(), `${aws.prefix}-directory`, [
      { pk: 'TODO#7', sk: 'TODO' },
    ]);
    expect([...items.values()][0]).toMatchObject({ title: 'Learn CQRS', completed: true });

    const { Messages = [] } = await modules.sqs().send(
      new ReceiveMessageCommand({
        QueueUrl: await modules.deadLetterQueueUrl(),
        MaxNumberOfMessages: 10,
        MessageAttributeNames: ['All'],
      }),
    );
    const errors = Messages.map((message) => message.MessageAttributes?.error?.StringValue).sort();
    expect(errors).toHaveLength(3);
    expect(errors[0]).toMatch(/^no valid x-sequence-directory header/);
    expect(errors[1]).toMatch(/^schema: /);
    expect(errors[2]).toMatch(/TODO#999, which does not exist/);
  });

  it('a parked event redriven after a fix applies once, however often it is redriven', async () => {
    const tableName = await freshAnalyticsTable();
    const event = eventFactory(9_000_000);
    const product = event('product.created', {
      productId: 5,
      name: 'Pen',
      category: 'Office',
      priceCents: 150,
      stock: 9,
    });
    const parkedOrder = event(
      'order.created',
      catalogOrder(1, 1, [{ productId: 5, category: 'Office', quantity: 2, unitPriceCents: 150 }]),
    );
    const laterOrder = event(
      'order.created',
      catalogOrder(2, 1, [{ productId: 5, category: 'Office', quantity: 1, unitPriceCents: 150 }]),
    );
    // a bug makes the first order poison: it is parked, and the others reach the table
    const buggy = {
      ...modules.analyticsProjection,
      evolve: (...args: Parameters<typeof modules.analyticsProjection.evolve>) => {
        if (args[1].eventId === parkedOrder.eventId) throw new PoisonEventError('a bug');
        return modules.analyticsProjection.evolve(...args);
      },
    };
    const parked: unknown[] = [];
    await applyToTable(
      modules.dynamoDb(),
      tableName,
      buggy,
      numbered([product, parkedOrder, laterOrder]),
      async (events) => void parked.push(...events),
    );
    expect(parked).toHaveLength(1);
    // after the fix: the parked order applies once however often it is redriven, and a copy of an
    // order that was never parked here (it reached the items in order) changes nothing
    for (const expected of [
      { redriven: 1, alreadyRedriven: 1 },
      { redriven: 0, alreadyRedriven: 2 },
    ]) {
      const result = await applyToTable(modules.dynamoDb(), tableName, modules.analyticsProjection, {
        events: [],
        undecodable: [],
        redrives: [parkedOrder, laterOrder],
      });
      expect(result).toMatchObject(expected);
    }
    const items = await snapshot(tableName);
    expect(items.find((item) => item.pk === 'PRODUCT#5')).toMatchObject({
      totalQuantitySold: 3,
      revenueCents: 450,
      orderCount: 2,
    });
    expect(items.find((item) => item.pk === 'CUSTOMER#1')).toMatchObject({ spentCents: 450, orderCount: 2 });
  });
});

describe('invoices', () => {
  it('an order.created before its user.created yields a complete invoice once both arrive', async () => {
    const event = eventFactory(20_000_000);
    const order = event(
      'order.created',
      {
        orderId: 11,
        customerId: 42,
        description: 'Widget',
        totalCents: 5000,
        lines: [widgetLine],
      },
      '2025-04-15T09:00:00.000Z',
    );
    const user = event('user.created', {
      userId: 42,
      name: 'Alice',
      firstName: 'Alice',
      lastName: '',
      email: 'alice@demo.com',
    });
    const account = event('account.created', {
      accountId: 3,
      userId: 42,
      address1: '123 Main St',
      address2: null,
      city: 'Cityville',
      state: 'ST',
      zip: '12345',
    });
    const tableName = `${aws.prefix}-invoices`;
    await applyToTable(modules.dynamoDb(), tableName, modules.invoiceProjection, numbered([order]));
    expect(await modules.findInvoices({ userId: 42, month: 4, year: 2025 })).toMatchObject([
      { email: null, shipping_address: null, total: 50 },
    ]);
    await applyToTable(
      modules.dynamoDb(),
      tableName,
      modules.invoiceProjection,
      numbered([user, account], 2),
    );
    expect(await modules.findInvoices({ userId: 42, month: 4, year: 2025 })).toEqual([
      {
        invoice_id: '42-2025-04',
        user_id: 42,
        email: 'alice@demo.com',
        shipping_address: '123 Main St, Cityville, ST 12345',
        invoice_dt: '2025-04-01T00:00:00Z',
        orders: [{ description: 'Widget', amount: 50, purchase_dt: '2025-04-15T09:00:00.000Z' }],
        total: 50,
      },
    ]);
  });
});
