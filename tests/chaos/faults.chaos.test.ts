// Faults under a steady stream of orders: each part of the pipeline fails in turn (the network to the
// broker and to the database, a projector mid-batch, the relay between publish and mark, duplicate
// publication, the queue bridges, DynamoDB, deliveries reordered across batches, two invocations of
// one batch at once, a message dropped, a queue purged), and after each the pipeline must converge to
// read models that equal, item by item, their recomputation from PostgreSQL: no event lost, none
// applied twice. The pipeline runs in this process from the same parts as `npm run dev` (command
// handlers, relay, queue bridges, projector handlers) so that each part can be failed on its own.
// PostgreSQL and RabbitMQ are the machine's own and are shared with whatever else runs on it: the
// stack reaches them through fault proxies in this process, and faults are injected there: no test
// stops, restarts or reconfigures them. dynalite runs in memory: on disk
// it sometimes answers a read with an old version of an item while scans run (decision 0018, docs/decisions/0018-dynalite-in-memory.md).
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import amqp from 'amqplib';
import pg from 'pg';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { compareReadModel } from '../../infra/operate/consistency/compareReadModels.ts';
import {
  expectedAnalytics,
  expectedDirectory,
  expectedInvoices,
} from '../../infra/operate/consistency/expectedReadModels.ts';
import { createReadModelResources, startLocalAws, type LocalAws } from '../../infra/local/localAws.ts';
import { markdownTable } from '../../infra/terminal/markdownTable.ts';
import { startQueueBridge } from '../../infra/local/queueBridge.ts';
import type { ProjectionName } from '../../functions/projectors/catalog.ts';
import type { AmazonMqRabbitEvent } from '../../functions/projectors/amazonMqEvent.ts';
import type { EventPublisher } from '../../functions/relay/eventPublisher.ts';
import { configure } from '../../functions/shared/config.ts';
import { startFaultProxy, type FaultProxy } from '../support/faultProxy.ts';
import { loadHandlers } from '../support/handlers.ts';
import { callHandler } from '../support/lambdaEvents.ts';
import { createTestBroker, type TestBroker } from '../support/testBroker.ts';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase.ts';

const SHORT = process.env.CHAOS_PROFILE === 'short';
/** restart the machine's RabbitMQ and PostgreSQL for real: never in `npm test`, which shares them */
/** how long orders flow before and after each fault */
const STREAM_MS = SHORT ? 1_500 : 5_000;
const RABBITMQ_OUTAGE_MS = 10_000;
/** how long the relay lets a projector wait on a gap before it re-publishes the missing events */
const HEAL_GAPS_AFTER_MS = 1_000;
const CONVERGE_WITHIN_MS = 60_000;

let database: TestDatabase;
let broker: TestBroker;
/** what the stack under test connects through; the test's own checks connect directly */
let postgresProxy: FaultProxy;
let rabbitmqProxy: FaultProxy;
let stackRabbitmqUrl: string;
let dynalite: LocalAws;
let sqslite: LocalAws;
/** how the stack under test reaches dynalite */
let dynamoDbProxy: FaultProxy;
const prefix = `chaos-${Date.now().toString(36)}`;
let handlers: Awaited<ReturnType<typeof loadHandlers>>;
let checks: pg.Pool;
type Projectors = Record<ProjectionName, (event: AmazonMqRabbitEvent) => Promise<unknown>>;
let projectors: Projectors;
/** the same projector Lambdas in a second container (a module scope of its own) whose writes are slow */
let secondContainer: Projectors;
let publisher: EventPublisher;
let bridges: { stop(): Promise<void> }[] = [];
let bridgeFailureMode: 'retry-in-place' | 'requeue' = 'retry-in-place';
let relaying = true;
let relayLoop: Promise<void>;
/** invocations of the second container still running */
const duplicates = new Set<Promise<unknown>>();

/** Faults that the parts below inject when asked: how many more times each should strike. */
const injected = {
  killProjectorMidBatch: 0,
  killRelayAfterPublish: 0,
  invokeTwiceAtOnce: 0,
  dropOneMessage: 0,
};

const messagesIn = (batch: AmazonMqRabbitEvent) => Object.values(batch.rmqMessagesByQueue).flat();
const withMessages = (
  batch: AmazonMqRabbitEvent,
  messages: AmazonMqRabbitEvent['rmqMessagesByQueue'][string],
) => ({
  ...batch,
  rmqMessagesByQueue: { [Object.keys(batch.rmqMessagesByQueue)[0]!]: messages },
});

/** every stream's queue (each partition's when PROJECTION_PARTITIONS splits the projections) */
let streams: { name: string; projection: ProjectionName }[] = [];

function startBridges() {
  bridges = streams.map(({ name: queue, projection: name }) =>
    startQueueBridge({
      rabbitmqUrl: stackRabbitmqUrl,
      queue,
      batchSize: 100,
      maximumBatchingWindowMs: 0,
      eventSourceArn: 'arn:aws:mq:us-east-1:000000000000:broker:chaos',
      onFailure: bridgeFailureMode,
      invoke: async (batch) => {
        const messages = messagesIn(batch);
        if (injected.killProjectorMidBatch > 0 && messages.length > 1) {
          injected.killProjectorMidBatch--;
          // the process dies half-way: the first half is applied, then nothing is acknowledged
          await projectors[name](withMessages(batch, messages.slice(0, Math.ceil(messages.length / 2))));
          throw new Error('projector killed mid-batch');
        }
        if (injected.dropOneMessage > 0 && messages.length > 2) {
          injected.dropOneMessage--;
          // the broker loses one message: the projector never sees it, and it is acknowledged
          const lost = 1 + Math.floor(Math.random() * (messages.length - 2));
          await projectors[name](
            withMessages(
              batch,
              messages.filter((_, index) => index !== lost),
            ),
          );
          return;
        }
        if (injected.invokeTwiceAtOnce > 0 && messages.length > 1) {
          injected.invokeTwiceAtOnce--;
          // a second invocation of the same batch (duplicate processing, a redeploy's old mapping)
          // runs beside this one, in another container: it reads what this one reads, but its writes
          // land after this one has succeeded and the next batches are applied
          const twin = secondContainer[name](batch).catch(() => undefined);
          duplicates.add(twin);
          void twin.finally(() => duplicates.delete(twin));
        }
        await projectors[name](batch);
      },
      log: () => undefined,
    }),
  );
}

async function restartBridges(mode: typeof bridgeFailureMode) {
  await Promise.all(bridges.map((bridge) => bridge.stop()));
  bridgeFailureMode = mode;
  startBridges();
}

/** Holds every batched write of `client` back by `ms`, as a slow network or a paused process would. */
function delayWrites(client: DynamoDBDocumentClient, ms: number) {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (/BatchWrite/.test(context.commandName ?? '')) await sleep(ms);
      return next(args);
    },
    { step: 'initialize', name: 'chaosDelayWrites' },
  );
}

/** The projector handlers, imported afresh: a module scope (clients, caches) of their own. */
async function importProjectors(): Promise<Projectors> {
  return {
    invoices: (await import('../../functions/invoices/projector.ts')).handler,
    analytics: (await import('../../functions/analytics/projector.ts')).handler,
    directory: (await import('../../functions/directory/projector.ts')).handler,
  };
}

beforeAll(async () => {
  [database, broker] = await Promise.all([createTestDatabase('chaos'), createTestBroker('chaos')]);
  const postgresServer = new URL(database.url);
  const rabbitmqServer = new URL(broker.url);
  [postgresProxy, rabbitmqProxy] = await Promise.all([
    startFaultProxy({ host: postgresServer.hostname, port: Number(postgresServer.port || 5432) }),
    startFaultProxy({ host: rabbitmqServer.hostname, port: Number(rabbitmqServer.port || 5672) }),
  ]);
  stackRabbitmqUrl = rabbitmqProxy.urlFor(broker.url);
  // dynalite alone (SQS is given, so startLocalAws starts no sqslite), then sqslite alone
  dynalite = await startLocalAws({ sqsEndpoint: 'http://localhost:1' });
  dynamoDbProxy = await startFaultProxy({
    host: '127.0.0.1',
    port: Number(new URL(dynalite.dynamoDbEndpoint).port),
  });
  sqslite = await startLocalAws({ dynamoDbEndpoint: dynalite.dynamoDbEndpoint });
  await createReadModelResources(prefix, {
    dynamoDbEndpoint: dynalite.dynamoDbEndpoint,
    sqsEndpoint: sqslite.sqsEndpoint,
  });
  // the configuration of every container this test loads (each module scope reads it afresh)
  configure({
    DYNAMODB_ENDPOINT: `http://127.0.0.1:${dynamoDbProxy.port}`,
    SQS_ENDPOINT: sqslite.sqsEndpoint,
    RESOURCE_PREFIX: prefix,
  });
  // the faults make the functions log errors by design: keep the test output to the report
  handlers = await loadHandlers(postgresProxy.urlFor(database.url), {
    RABBITMQ_URL: stackRabbitmqUrl,
    PG_POOL_MAX: '8',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  });
  checks = new pg.Pool({ connectionString: database.url, max: 2 });
  checks.on('error', () => undefined);
  // the second container first, in a module scope of its own, whose writes reach DynamoDB late
  vi.resetModules();
  secondContainer = await importProjectors();
  delayWrites((await import('../../functions/shared/aws.ts')).dynamoDb(), 300);
  vi.resetModules();
  projectors = await importProjectors();
  const { rabbitPublisher } = await import('../../functions/relay/eventPublisher.ts');
  const { relayEvents } = await import('../../functions/relay/relayEvents.ts');
  const { healGaps, newHealMemory } = await import('../../functions/relay/healGaps.ts');
  const { readCheckpoint } = await import('../../functions/shared/queries/projectionProgress.ts');
  const realPublisher = rabbitPublisher(stackRabbitmqUrl, 'domain-events');
  publisher = {
    ...realPublisher,
    async publish(events) {
      await realPublisher.publish(events);
      if (injected.killRelayAfterPublish > 0) {
        injected.killRelayAfterPublish--;
        // published and confirmed, but the relay dies before marking them: they go out again
        throw new Error('relay killed between publish and mark');
      }
    },
  };
  // read after the stack's settings are given (PROJECTION_PARTITIONS among them)
  streams = (await import('../../functions/projectors/streams.ts')).allStreams();
  console.log(`[chaos] ${streams.length} streams: ${streams.map((stream) => stream.name).join(', ')}`);
  startBridges();
  const pool = await handlers.postgres.postgresPool('relay');
  const heal = { pool, publisher, readCheckpoint, memory: newHealMemory() };
  relayLoop = (async () => {
    while (relaying) {
      // the relay fails while the broker or the database is down, and tries again, as on its schedule
      await relayEvents(pool, publisher).catch(() => undefined);
      await healGaps(heal, { healAfterMs: HEAL_GAPS_AFTER_MS, limit: 2_000 }).catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  // a catalog to order from
  for (let index = 0; index < 20; index++) {
    await callHandler(handlers.createProduct, {
      method: 'POST',
      path: '/api/products',
      body: {
        name: `Product ${index}`,
        category: `Category ${index % 4}`,
        price: 1 + index / 4,
        stock: 10_000_000,
      },
    });
  }
}, 120_000);

afterAll(async () => {
  relaying = false;
  await relayLoop;
  await Promise.all(bridges.map((bridge) => bridge.stop()));
  await Promise.all(duplicates);
  await publisher?.close();
  await checks?.end();
  await handlers?.postgres.closePostgresPools();
  await Promise.all([postgresProxy?.close(), rabbitmqProxy?.close(), dynamoDbProxy?.close()]);
  await Promise.all([dynalite?.stop(), sqslite?.stop()]);
  await Promise.all([database?.drop(), broker?.delete()]);
  console.log(`\nFaults under a steady stream of orders:\n\n${reportTable()}\n`);
});

/** A steady stream of catalog and service orders from 4 clients until stopped. */
function orderStream() {
  const statuses = new Map<number, number>();
  let running = true;
  let serial = 0;
  const client = async () => {
    while (running) {
      const n = ++serial;
      const answer =
        n % 3 === 0
          ? await callHandler(handlers.placeServiceOrders, {
              method: 'POST',
              path: '/order-service/orders',
              body: { user_id: 1 + (n % 50), amount: 10 + (n % 7) / 4, description: `Service ${n}` },
            })
          : await callHandler(handlers.placeCatalogOrder, {
              method: 'POST',
              path: '/api/orders',
              body: {
                customerId: 1 + (n % 200),
                items: [{ productId: 1 + (n % 20), quantity: 1 + (n % 3) }],
              },
            });
      statuses.set(answer.statusCode, (statuses.get(answer.statusCode) ?? 0) + 1);
      // a client that got a 503 waits as Retry-After says, shortened
      if (answer.statusCode === 503) await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };
  const clients = Array.from({ length: 4 }, client);
  return {
    async stop() {
      running = false;
      await Promise.all(clients);
      return statuses;
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Per stream (a projection, or each partition of a split one): the events the log gives it (numbered
 * by the relay: converge waits until every event is numbered) and the number its checkpoint reached.
 */
async function eventCounts(): Promise<Record<string, { logged: number; applied: number }>> {
  const { readCheckpoint } = await import('../../functions/shared/queries/projectionProgress.ts');
  const { allStreams } = await import('../../functions/projectors/streams.ts');
  const counts: Record<string, { logged: number; applied: number }> = {};
  for (const stream of allStreams()) {
    const { rows } = await checks.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM stream_sequences WHERE stream = $1',
      [stream.name],
    );
    counts[stream.name] = { logged: rows[0]!.n, applied: (await readCheckpoint(stream))?.sequence ?? 0 };
  }
  return counts;
}

/** Until every event is published and applied (or the time is up); the milliseconds it took. */
async function converge(): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < CONVERGE_WITHIN_MS) {
    try {
      const { rows } = await checks.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM event_log WHERE published_at IS NULL OR NOT sequenced',
      );
      const counts = Object.values(await eventCounts());
      if (rows[0]!.n === 0 && counts.every(({ applied, logged }) => applied === logged)) {
        return Date.now() - started;
      }
    } catch {
      // the database or DynamoDB may still be coming back
    }
    await sleep(100);
  }
  return Date.now() - started;
}

interface FaultReport {
  fault: string;
  accepted: number;
  failed: string;
  lost: number;
  appliedTwice: number;
  /** fields of the read models that differ from their recomputation from PostgreSQL */
  differences: number;
  convergedMs: number;
}
const reports: FaultReport[] = [];

function reportTable(): string {
  const rows = reports.map((report) => [
    report.fault,
    String(report.accepted),
    report.failed || '0',
    String(report.lost),
    String(report.appliedTwice),
    String(report.differences),
    `${(report.convergedMs / 1000).toFixed(1)} s`,
  ]);
  const header = [
    'fault',
    'accepted',
    'failed (status)',
    'events lost',
    'applied twice',
    'read-model fields wrong',
    'converged in',
  ];
  return markdownTable(header, rows);
}

/** Orders flow; the fault strikes; orders flow on; then everything must converge, exactly. */
async function underFault(name: string, fault: () => Promise<void>, allowedFailures: number[] = []) {
  const say = (step: string) => console.log(`[chaos] ${name}: ${step}`);
  const stream = orderStream();
  await sleep(STREAM_MS);
  say('fault');
  await fault();
  say('fault over');
  await sleep(STREAM_MS);
  const statuses = await stream.stop();
  say('orders stopped, converging');
  // a second invocation still running is still a writer
  await Promise.all(duplicates);
  const convergedMs = await converge();
  say(`converged in ${convergedMs} ms`);
  const perStream = await eventCounts();
  const counts = Object.values(perStream);
  const behind = Object.entries(perStream).filter(([, { logged, applied }]) => logged !== applied);
  if (behind.length > 0) {
    // what a stall looks like from the broker: messages waiting, and whether anything consumes them
    const connection = await amqp.connect(broker.url);
    const queues: Record<string, unknown> = {};
    for (const [name] of behind) {
      const channel = await connection.createChannel();
      queues[name] = await channel.checkQueue(name).catch((error: unknown) => String(error));
      await channel.close().catch(() => undefined);
    }
    await connection.close();
    say(
      `streams not current: ${JSON.stringify(Object.fromEntries(behind))}; queues: ${JSON.stringify(queues)}`,
    );
  }
  const lost = counts.reduce((sum, { logged, applied }) => sum + Math.max(0, logged - applied), 0);
  const appliedTwice = counts.reduce((sum, { logged, applied }) => sum + Math.max(0, applied - logged), 0);
  const failures = [...statuses].filter(([status]) => status >= 300);
  const { dynamoDb } = await import('../../functions/shared/aws.ts');
  const differences = [
    ...(await compareReadModel(dynamoDb(), `${prefix}-analytics`, await expectedAnalytics(checks))),
    ...(await compareReadModel(dynamoDb(), `${prefix}-invoices`, await expectedInvoices(checks))),
    ...(await compareReadModel(dynamoDb(), `${prefix}-directory`, await expectedDirectory(checks))),
  ];
  reports.push({
    fault: name,
    accepted: statuses.get(201) ?? 0,
    failed: failures.map(([status, count]) => `${count}× ${status}`).join(', '),
    lost,
    appliedTwice,
    differences: differences.length,
    convergedMs,
  });
  expect(failures.filter(([status]) => !allowedFailures.includes(status))).toEqual([]);
  expect(statuses.get(201)).toBeGreaterThan(0);
  expect({ lost, appliedTwice }).toEqual({ lost: 0, appliedTwice: 0 });
  expect(differences.slice(0, 10)).toEqual([]);
}

it('RabbitMQ unreachable for 10 s: every connection cut, new ones refused', async () => {
  await underFault('RabbitMQ unreachable 10 s (connections cut)', async () => {
    await rabbitmqProxy.refuse();
    rabbitmqProxy.cut();
    try {
      await sleep(RABBITMQ_OUTAGE_MS);
    } finally {
      await rabbitmqProxy.accept();
    }
  });
}, 180_000);

it('PostgreSQL unreachable for 3 s: every connection cut, new ones refused', async () => {
  // meanwhile commands answer 503 with Retry-After; nothing half-written
  await underFault(
    'PostgreSQL unreachable 3 s (connections cut)',
    async () => {
      await postgresProxy.refuse();
      postgresProxy.cut();
      try {
        await sleep(3_000);
      } finally {
        await postgresProxy.accept();
      }
    },
    [503],
  );
}, 180_000);

it('a projector killed mid-batch, several times', async () => {
  await underFault('projector killed mid-batch ×5', async () => {
    injected.killProjectorMidBatch = 5;
    while (injected.killProjectorMidBatch > 0) await sleep(50);
  });
}, 180_000);

it('the relay killed between publish and mark', async () => {
  await underFault('relay killed between publish and mark ×3', async () => {
    injected.killRelayAfterPublish = 3;
    while (injected.killRelayAfterPublish > 0) await sleep(50);
  });
}, 180_000);

it('the same events published twice', async () => {
  await underFault('the last 300 events published again', async () => {
    const { EVENT_COLUMNS, toPublication } = await import('../../functions/relay/eventLog.ts');
    const { rows } = await checks.query(
      `SELECT ${EVENT_COLUMNS} FROM event_log e
       WHERE e.published_at IS NOT NULL ORDER BY e.position DESC LIMIT 300`,
    );
    await publisher.publish(rows.reverse().map(toPublication));
  });
}, 180_000);

it('the queue bridges restarted', async () => {
  await underFault('queue bridges restarted', async () => {
    await Promise.all(bridges.map((bridge) => bridge.stop()));
    await sleep(1_000);
    startBridges();
  });
}, 180_000);

it('DynamoDB unreachable for 3 s: every connection cut, new ones refused', async () => {
  await underFault('DynamoDB unreachable 3 s (connections cut)', async () => {
    await dynamoDbProxy.refuse();
    dynamoDbProxy.cut();
    try {
      await sleep(3_000);
    } finally {
      await dynamoDbProxy.accept();
    }
  });
}, 180_000);

it('deliveries reordered across batches: failed batches requeued, a consumer failover', async () => {
  // as the cloud's event source mapping may: a failed batch goes back to the broker (a quorum queue
  // puts it at its back, behind newer events), and a consumer that loses its connection hands its
  // unacknowledged messages back to the next consumer
  await restartBridges('requeue');
  try {
    await underFault('deliveries reordered (requeued ×5, failover)', async () => {
      injected.killProjectorMidBatch = 5;
      while (injected.killProjectorMidBatch > 0) await sleep(50);
      rabbitmqProxy.cut();
    });
  } finally {
    await restartBridges('retry-in-place');
  }
}, 180_000);

it('the same batch applied by two invocations at once', async () => {
  await underFault('one batch, two invocations at once ×5', async () => {
    injected.invokeTwiceAtOnce = 5;
    while (injected.invokeTwiceAtOnce > 0) await sleep(50);
  });
}, 180_000);

it('a message dropped by the broker', async () => {
  await underFault('a message dropped ×3', async () => {
    injected.dropOneMessage = 3;
    while (injected.dropOneMessage > 0) await sleep(50);
  });
}, 180_000);

it("a projector's queue purged", async () => {
  await underFault('directory queue purged with a backlog', async () => {
    // the projectors stop for a moment, so that the directory queue holds a backlog to lose
    await Promise.all(bridges.map((bridge) => bridge.stop()));
    await sleep(500);
    const connection = await amqp.connect(broker.url);
    try {
      const { messageCount } = await (await connection.createChannel()).purgeQueue('directory');
      console.log(`[chaos] purged ${messageCount} messages`);
    } finally {
      await connection.close();
    }
    startBridges();
  });
}, 180_000);
