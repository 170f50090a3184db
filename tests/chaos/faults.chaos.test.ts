// Faults under a steady stream of orders: each part of the pipeline fails in turn (the broker, the
// database, a projector mid-batch, the relay between publish and mark, duplicate publication, the
// queue bridges, dynalite), and after each the pipeline must converge to read models that equal, item
// by item, their recomputation from PostgreSQL: no event lost, none applied twice. The pipeline runs
// in this process from the same parts as `npm run dev` (command handlers, relay, queue bridges,
// projector handlers) so that each part can be failed on its own; PostgreSQL and RabbitMQ are the
// machine's own, and are really stopped.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { DomainEvent } from '../../events/contracts.ts';
import { compareReadModel } from '../../infra/consistency/compareReadModels.ts';
import {
  expectedAnalytics,
  expectedDirectory,
  expectedInvoices,
} from '../../infra/consistency/expectedReadModels.ts';
import { createReadModelResources, startLocalAws, type LocalAws } from '../../infra/dev/localAws.ts';
import { markdownTable } from '../../infra/cli/markdownTable.ts';
import { startQueueBridge } from '../../infra/dev/queueBridge.ts';
import { projectorNames, projectorSubscriptions, type ProjectorName } from '../../infra/rabbitmq/topology.ts';
import type { AmazonMqRabbitEvent } from '../../functions/projectors/amazonMqEvent.ts';
import type { EventPublisher } from '../../functions/relay/eventPublisher.ts';
import { loadHandlers } from '../support/handlers.ts';
import { callHandler } from '../support/lambdaEvents.ts';
import { createTestBroker, rabbitmqctl, type TestBroker } from '../support/testBroker.ts';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase.ts';

const run = promisify(execFile);
const SHORT = process.env.CHAOS_PROFILE === 'short';
/** how long orders flow before and after each fault */
const STREAM_MS = SHORT ? 1_500 : 5_000;
const RABBITMQ_OUTAGE_MS = 10_000;
const CONVERGE_WITHIN_MS = 60_000;

let database: TestDatabase;
let broker: TestBroker;
let dynamoDbDirectory: string;
let dynalite: LocalAws;
let sqslite: LocalAws;
let dynamoDbPort: number;
const prefix = `chaos-${Date.now().toString(36)}`;
let handlers: Awaited<ReturnType<typeof loadHandlers>>;
let checks: pg.Pool;
let projectors: Record<ProjectorName, (event: AmazonMqRabbitEvent) => Promise<unknown>>;
let publisher: EventPublisher;
let bridges: { stop(): Promise<void> }[] = [];
let relaying = true;
let relayLoop: Promise<void>;

/** Faults that the parts below inject when asked: how many more times each should strike. */
const injected = { killProjectorMidBatch: 0, killRelayAfterPublish: 0 };

const startDynalite = (port: number) =>
  // dynalite alone, on disk: SQS is given, so startLocalAws starts no sqslite here
  startLocalAws({ dynamoDbPath: dynamoDbDirectory, dynamoDbPort: port, sqsEndpoint: 'http://localhost:1' });

function startBridges() {
  bridges = projectorNames.map((name) =>
    startQueueBridge({
      rabbitmqUrl: broker.url,
      queue: name,
      batchSize: 100,
      maximumBatchingWindowMs: 0,
      eventSourceArn: 'arn:aws:mq:us-east-1:000000000000:broker:chaos',
      invoke: async (batch) => {
        const messages = Object.values(batch.rmqMessagesByQueue).flat();
        if (injected.killProjectorMidBatch > 0 && messages.length > 1) {
          injected.killProjectorMidBatch--;
          // the process dies half-way: the first half is applied, then nothing is acknowledged
          const [queue] = Object.keys(batch.rmqMessagesByQueue);
          await projectors[name]({
            ...batch,
            rmqMessagesByQueue: { [queue!]: messages.slice(0, Math.ceil(messages.length / 2)) },
          });
          throw new Error('projector killed mid-batch');
        }
        await projectors[name](batch);
      },
      log: () => undefined,
    }),
  );
}

beforeAll(async () => {
  [database, broker] = await Promise.all([createTestDatabase('chaos'), createTestBroker('chaos')]);
  dynamoDbDirectory = mkdtempSync(path.join(tmpdir(), 'chaos-dynalite-'));
  dynalite = await startDynalite(0);
  dynamoDbPort = Number(new URL(dynalite.dynamoDbEndpoint).port);
  sqslite = await startLocalAws({ dynamoDbEndpoint: dynalite.dynamoDbEndpoint });
  await createReadModelResources(prefix, {
    dynamoDbEndpoint: dynalite.dynamoDbEndpoint,
    sqsEndpoint: sqslite.sqsEndpoint,
  });
  Object.assign(process.env, {
    DYNAMODB_ENDPOINT: dynalite.dynamoDbEndpoint,
    SQS_ENDPOINT: sqslite.sqsEndpoint,
    RESOURCE_PREFIX: prefix,
  });
  // the faults make the functions log errors by design: keep the test output to the report
  handlers = await loadHandlers(database.url, {
    RABBITMQ_URL: broker.url,
    PG_POOL_MAX: '8',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  });
  checks = new pg.Pool({ connectionString: database.url, max: 2 });
  checks.on('error', () => undefined);
  projectors = {
    invoices: (await import('../../functions/invoices/projector.ts')).handler,
    analytics: (await import('../../functions/analytics/projector.ts')).handler,
    directory: (await import('../../functions/directory/projector.ts')).handler,
  };
  const { rabbitPublisher } = await import('../../functions/relay/eventPublisher.ts');
  const { relayEvents } = await import('../../functions/relay/relayEvents.ts');
  const realPublisher = rabbitPublisher(broker.url, 'domain-events');
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
  startBridges();
  const pool = handlers.postgres.postgresPool();
  relayLoop = (async () => {
    while (relaying) {
      // the relay fails while the broker or the database is down, and tries again, as on its schedule
      await relayEvents(pool, publisher).catch(() => undefined);
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
  await publisher?.close();
  await checks?.end();
  await handlers?.postgres.postgresPool().end();
  await Promise.all([dynalite?.stop(), sqslite?.stop()]);
  rmSync(dynamoDbDirectory, { recursive: true, force: true });
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

async function eventCounts(): Promise<Record<ProjectorName, { logged: number; applied: number }>> {
  const { readCheckpoint } = await import('../../functions/shared/queries/projectionProgress.ts');
  const counts = {} as Record<ProjectorName, { logged: number; applied: number }>;
  for (const name of projectorNames) {
    const { rows } = await checks.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM event_log WHERE type = ANY($1::text[])',
      [projectorSubscriptions[name]],
    );
    counts[name] = { logged: rows[0]!.n, applied: (await readCheckpoint(name))?.eventCount ?? 0 };
  }
  return counts;
}

/** Until every event is published and applied (or the time is up); the milliseconds it took. */
async function converge(): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < CONVERGE_WITHIN_MS) {
    try {
      const { rows } = await checks.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM event_log WHERE published_at IS NULL',
      );
      const counts = await eventCounts();
      if (rows[0]!.n === 0 && projectorNames.every((name) => counts[name].applied === counts[name].logged)) {
        return Date.now() - started;
      }
    } catch {
      // the database or dynalite may still be coming back
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
    `${(report.convergedMs / 1000).toFixed(1)} s`,
  ]);
  const header = ['fault', 'accepted', 'failed (status)', 'events lost', 'applied twice', 'converged in'];
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
  const convergedMs = await converge();
  say(`converged in ${convergedMs} ms`);
  const counts = await eventCounts();
  const lost = projectorNames.reduce((sum, p) => sum + Math.max(0, counts[p].logged - counts[p].applied), 0);
  const appliedTwice = projectorNames.reduce(
    (sum, p) => sum + Math.max(0, counts[p].applied - counts[p].logged),
    0,
  );
  const failures = [...statuses].filter(([status]) => status >= 300);
  reports.push({
    fault: name,
    accepted: statuses.get(201) ?? 0,
    failed: failures.map(([status, count]) => `${count}× ${status}`).join(', '),
    lost,
    appliedTwice,
    convergedMs,
  });
  expect(failures.filter(([status]) => !allowedFailures.includes(status))).toEqual([]);
  expect(statuses.get(201)).toBeGreaterThan(0);
  expect({ lost, appliedTwice }).toEqual({ lost: 0, appliedTwice: 0 });
  const { dynamoDb } = await import('../../functions/shared/aws.ts');
  expect(await compareReadModel(dynamoDb(), `${prefix}-analytics`, await expectedAnalytics(checks))).toEqual(
    [],
  );
  expect(await compareReadModel(dynamoDb(), `${prefix}-invoices`, await expectedInvoices(checks))).toEqual(
    [],
  );
  expect(await compareReadModel(dynamoDb(), `${prefix}-directory`, await expectedDirectory(checks))).toEqual(
    [],
  );
}

it('RabbitMQ stopped for 10 s and restarted', async () => {
  await underFault('RabbitMQ stopped 10 s, restarted', async () => {
    await rabbitmqctl('stop_app');
    try {
      await sleep(RABBITMQ_OUTAGE_MS);
    } finally {
      await rabbitmqctl('start_app');
      await rabbitmqctl('await_startup');
    }
  });
}, 180_000);

/**
 * Restarts the machine's PostgreSQL: Debian's pg_ctlcluster by default (this machine and CI), or the
 * shell command in POSTGRES_RESTART_COMMAND elsewhere (e.g. `brew services restart postgresql@15`).
 */
async function restartPostgres() {
  const command = process.env.POSTGRES_RESTART_COMMAND;
  if (command) {
    await run('sh', ['-c', command], { timeout: 120_000 });
    return;
  }
  const [version] = existsSync('/etc/postgresql') ? readdirSync('/etc/postgresql') : [];
  if (!version) throw new Error('no /etc/postgresql: set POSTGRES_RESTART_COMMAND to restart PostgreSQL');
  await run('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'restart'], { timeout: 120_000 });
}

it('PostgreSQL restarted', async () => {
  // while it restarts, commands answer 503 with Retry-After; nothing half-written
  await underFault('PostgreSQL restarted', restartPostgres, [503]);
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
    const { toEnvelope } = await import('../../functions/relay/relayEvents.ts');
    const { rows } = await checks.query(
      `SELECT position, event_id, type, version, aggregate_id, correlation_id, occurred_at, data
       FROM event_log WHERE published_at IS NOT NULL ORDER BY position DESC LIMIT 300`,
    );
    const events: DomainEvent[] = rows.reverse().map(toEnvelope);
    await publisher.publish(events);
  });
}, 180_000);

it('the queue bridges restarted', async () => {
  await underFault('queue bridges restarted', async () => {
    await Promise.all(bridges.map((bridge) => bridge.stop()));
    await sleep(1_000);
    startBridges();
  });
}, 180_000);

it('dynalite restarted from its on-disk store', async () => {
  await underFault('dynalite restarted from disk', async () => {
    await dynalite.stop();
    await sleep(1_000);
    dynalite = await startDynalite(dynamoDbPort);
  });
}, 180_000);
