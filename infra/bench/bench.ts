// `npm run bench`: how fast the system is on this machine and how fresh its read models stay. Starts
// its own stack (`npm run dev`'s start script, on its own database, vhost, ports and an in-memory
// DynamoDB), runs the phases, checks the read models are exact, prints a table and writes JSON.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createServer } from 'node:net';
import os from 'node:os';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { generateEvents } from '../../events/generatedStream.ts';
import { EVENTS_EXCHANGE } from '../../functions/operations/brokerTopology.ts';
import { projectionNames } from '../../functions/projectors/catalog.ts';
import { checkpointKey } from '../../functions/projectors/projection.ts';
import { allStreams } from '../../functions/projectors/streams.ts';
import { readLiveTable } from '../../functions/projectors/liveTables.ts';
import { dynamoDb } from '../../functions/shared/aws.ts';
import { configure } from '../../functions/shared/config.ts';
import { createPool } from '../../functions/shared/postgres.ts';
import { exitWithUsage, parseCommandLine } from '../terminal/commandLine.ts';
import { compareReadModel } from '../operate/consistency/compareReadModels.ts';
import {
  expectedAnalytics,
  expectedDirectory,
  expectedInvoices,
} from '../operate/consistency/expectedReadModels.ts';
import { createBenchBackend, startBenchStack } from './benchStack.ts';
import { createCatalog, CUSTOMERS, orderOf, random } from './catalogOrders.ts';
import { measureOrderCost } from './costBench.ts';
import { benchClassifier, cpuBetween, snapshotCpu } from './cpuProfile.ts';
import { measureFreshness } from './freshness.ts';
import { runLoad } from './httpLoad.ts';
import { measureOfflineFloor } from './offlineFloor.ts';
import { measureOrders, type OrdersResult } from './ordersBench.ts';
import {
  loadEventLog,
  measureCatchUp,
  measureRebuild,
  queueBacklog,
  type ProjectionFigure,
} from './projectionBench.ts';
import { measureReadScale } from './readScaleBench.ts';
import { printReport, targetsOf, type BenchResults } from './report.ts';

const usage = `Usage: npm run bench -- [--seconds 15] [--events 100000] [--backlog 20000] [--scale 10000,100000,1000000]
       [--phases floor,api,orders,cost,projection,partitions,scale] [--out FILE]

Starts its own stack on PostgreSQL (${process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432'})
and RabbitMQ (${process.env.BENCH_RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672'}; needs rabbitmqctl for a vhost),
measures writes, freshness, projection and reads, and checks every read model is exact.
--seconds: length of each load phase; --events: events in the log a projection is rebuilt from;
--backlog: how many of them wait in the projector queues for the catch-up;
--scale: the tiers of orders the read models are filled to for the scale phase;
--phases: which groups to run: floor (serverless-offline alone), api (writes, freshness, reads),
orders (4,000 orders from 32 clients, then read back: busy CPU per order), cost (one client's orders
through counting proxies: PostgreSQL, DynamoDB and broker work per order, the API Lambda's time),
projection (catch-up, rebuild), partitions (the directory's catch-up with 1, 2 and 4 partitions and
a simulated 5 ms DynamoDB round trip), scale (every read at each tier of orders).
Writes the figures as JSON to bench-results/ (or --out).`;

const { values } = parseCommandLine(
  {
    options: {
      seconds: { type: 'string', default: '15' },
      events: { type: 'string', default: '100000' },
      backlog: { type: 'string', default: '20000' },
      scale: { type: 'string', default: '10000,100000,1000000' },
      phases: { type: 'string', default: 'floor,api,orders,cost,projection,partitions,scale' },
      out: { type: 'string' },
    },
  },
  usage,
);
const PHASES = ['floor', 'api', 'orders', 'cost', 'projection', 'partitions', 'scale'];
const phases = new Set(values.phases.split(',').map((name) => name.trim()));
for (const name of phases) {
  if (!PHASES.includes(name)) exitWithUsage(usage, `--phases: unknown phase ${name} (${PHASES.join(', ')})`);
}
for (const name of ['seconds', 'events', 'backlog'] as const) {
  if (!(Number(values[name]) > 0)) exitWithUsage(usage, `--${name}: a positive number, not ${values[name]}`);
}
const scaleTiers = values.scale.split(',').map(Number);
if (!scaleTiers.every((tier, index) => tier > 0 && (index === 0 || tier > scaleTiers[index - 1]!))) {
  exitWithUsage(usage, `--scale: increasing positive numbers of orders, not ${values.scale}`);
}
const loadSeconds = Number(values.seconds);
const logEvents = Number(values.events);
const backlogEvents = Math.min(logEvents, Number(values.backlog));
const server = {
  postgresUrl: process.env.BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432',
  rabbitmqUrl: process.env.BENCH_RABBITMQ_URL ?? 'amqp://guest:guest@127.0.0.1:5672',
};

async function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer()
      .once('error', () => resolve(false))
      .listen(port, '127.0.0.1', () => probe.close(() => resolve(true)));
  });
}

/** `count` consecutive free ports: two per serverless-offline instance, dynalite and sqslite. */
async function freePorts(count: number): Promise<number> {
  for (;;) {
    const first = 20_000 + Math.floor(Math.random() * 30_000);
    const checks = await Promise.all(Array.from({ length: count }, (_, index) => isFree(first + index)));
    if (checks.every(Boolean)) return first;
  }
}

const base = await freePorts(6);
const ports = {
  http: base,
  lambda: base + 1,
  eventsHttp: base + 2,
  eventsLambda: base + 3,
  dynamoDb: base + 4,
  sqs: base + 5,
};
const RESOURCE_PREFIX = 'bench';
// the benchmark's own DynamoDB and SQS clients talk to the stack's (which is given its own: benchStack.ts)
configure({
  DYNAMODB_ENDPOINT: `http://127.0.0.1:${ports.dynamoDb}`,
  SQS_ENDPOINT: `http://localhost:${ports.sqs}`,
  RESOURCE_PREFIX,
});

type Pool = ReturnType<typeof createPool>;
const classify = benchClassifier(ports);
const cpu: Record<string, Record<string, number> | undefined> = {};

/** Runs a phase and records where the CPU went meanwhile. */
async function phase<T>(name: string, work: () => Promise<T>): Promise<T> {
  const before = snapshotCpu();
  const started = Date.now();
  const result = await work();
  const seconds = (Date.now() - started) / 1000;
  const used = cpuBetween(before, snapshotCpu(), classify);
  // as a share of one core: 200% is both cores busy
  cpu[name] =
    used &&
    Object.fromEntries(Object.entries(used).map(([part, s]) => [part, Math.round((100 * s) / seconds)]));
  return result;
}

/** Until every stream's checkpoint has reached the last number the relay gave out in it. */
async function waitForProjections(pool: Pool): Promise<void> {
  const deadline = Date.now() + 10 * 60_000;
  for (;;) {
    const { rows } = await pool.query<{ assigned_sequences: Record<string, number>; pending: number }>(
      `SELECT assigned_sequences,
         (SELECT count(*)::int FROM event_log WHERE NOT sequenced OR published_at IS NULL) AS pending
       FROM relay_progress`,
    );
    let behind = rows[0]!.pending;
    for (const stream of allStreams()) {
      const { Item } = await dynamoDb().send(
        new GetCommand({
          TableName: (await readLiveTable(stream.projection)).table,
          Key: checkpointKey(stream.partition),
          ConsistentRead: true,
        }),
      );
      behind += (rows[0]!.assigned_sequences[stream.name] ?? 0) - Number(Item?.sequence ?? 0);
    }
    if (behind <= 0) return;
    if (Date.now() > deadline) throw new Error(`projectors still ${behind} events behind after 10 min`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Every read model against the recomputation from PostgreSQL; the number of differing fields. */
async function readModelDifferences(pool: Pool): Promise<Record<string, number>> {
  const expected = { analytics: expectedAnalytics, invoices: expectedInvoices, directory: expectedDirectory };
  const result: Record<string, number> = {};
  for (const projection of projectionNames) {
    const { table } = await readLiveTable(projection);
    result[projection] = (await compareReadModel(dynamoDb(), table, await expected[projection](pool))).length;
  }
  return result;
}

async function apiPhases() {
  const backend = await createBenchBackend('api', server);
  const pool = createPool(backend.databaseUrl, 2);
  const stack = await startBenchStack(backend, ports, RESOURCE_PREFIX);
  try {
    const url = stack.baseUrl;
    console.log('creating the catalogs: 1,000 products (wide) and 20 (hot)');
    const wide = await createCatalog(url, 1_000, 'Wide');
    const hot = await createCatalog(url, 20, 'Hot');
    const load = { baseUrl: url, connections: 32, seconds: loadSeconds };
    // unmeasured: the first requests load and warm every Lambda the phases call (a cold start is not
    // what freshness or throughput measure): the orders, then the reads over the customers they made
    await runLoad({ ...load, seconds: 5, label: 'warm-up', nextRequest: () => orderOf(wide) });
    const { rows: customers } = await pool.query<{ customer_id: number }>(
      'SELECT DISTINCT customer_id FROM orders WHERE customer_id <= $1 LIMIT 1000',
      [CUSTOMERS],
    );
    const now = new Date();
    const hour = now.toISOString().slice(0, 13);
    const customerIds = customers.map((row) => row.customer_id);
    const readPaths = [
      () => `/api/analytics/products/${wide[random(wide.length)]}/sales`,
      () => `/api/analytics/categories/Category%20${random(20)}/revenue`,
      () => `/api/analytics/customers/${customerIds[random(customerIds.length)]}/lifetime-value`,
      () => `/api/analytics/hours/${hour}/sales`,
      () =>
        `/invoice-service/invoices?user_id=${customerIds[random(customerIds.length)]}&month=${now.getUTCMonth() + 1}&year=${now.getUTCFullYear()}`,
    ];
    const nextRead = () => ({ method: 'GET' as const, path: readPaths[random(readPaths.length)]!() });
    await runLoad({ ...load, seconds: 3, label: 'warm-up reads', nextRequest: nextRead });
    const writesWide = await phase('writes, wide catalog', () =>
      runLoad({ ...load, label: 'writes, wide catalog', nextRequest: () => orderOf(wide) }),
    );
    const writesHot = await phase('writes, hot catalog', () =>
      runLoad({ ...load, label: 'writes, hot catalog', nextRequest: () => orderOf(hot) }),
    );
    await waitForProjections(pool);
    // probe customers are beyond the load's, so a probe's order is the only one its customer has
    const freshnessLow = await phase('freshness, low load', () =>
      measureFreshness({
        label: 'freshness, low load',
        baseUrl: url,
        // about 10 probes a second: 30 s give a p99 that is not just the slowest probe
        seconds: Math.min(30, 2 * loadSeconds),
        gapMs: 100,
        firstCustomerId: 1_000_000,
        productId: wide[0]!,
      }),
    );
    /** Freshness probes while orders arrive at a steady `rate` per second. */
    const freshnessUnder = (rate: number, firstCustomerId: number, productId: number) =>
      phase(`freshness, ${rate} orders/s`, () =>
        Promise.all([
          measureFreshness({
            label: `freshness, ${rate} orders/s`,
            baseUrl: url,
            seconds: loadSeconds,
            gapMs: 100,
            firstCustomerId,
            productId,
          }),
          runLoad({ ...load, label: `steady ${rate} orders/s`, rate, nextRequest: () => orderOf(wide) }),
        ]),
      );
    const [freshnessLoaded, steadyLoad] = await freshnessUnder(500, 2_000_000, wide[1]!);
    await waitForProjections(pool);
    // and at a rate this machine sustains (60% of what it took above), to see freshness under load
    // rather than the queue of an overload
    const sustainable = Math.max(10, Math.round((0.6 * writesWide.perSecond) / 10) * 10);
    const [freshnessSustained, sustainedLoad] = await freshnessUnder(sustainable, 3_000_000, wide[2]!);
    await waitForProjections(pool);

    const reads = await phase('reads', () =>
      runLoad({ ...load, label: 'reads (analytics, invoices)', nextRequest: nextRead }),
    );
    console.log('comparing every read model with PostgreSQL');
    const differences = await readModelDifferences(pool);
    return {
      writesWide,
      writesHot,
      freshnessLow,
      freshnessLoaded,
      steadyLoad,
      freshnessSustained,
      sustainedLoad,
      reads,
      differences,
    };
  } finally {
    await stack.stop();
    await pool.end();
    await backend.drop();
  }
}

/** Issue 22's load on a fresh stack: throughput, time to visible and busy CPU per order (ordersBench.ts). */
async function ordersPhase(): Promise<OrdersResult> {
  const backend = await createBenchBackend('orders', server);
  const pool = createPool(backend.databaseUrl, 2);
  const stack = await startBenchStack(backend, ports, RESOURCE_PREFIX);
  try {
    return await phase('orders: 4,000, writes and projection, then read back', () =>
      measureOrders({
        baseUrl: stack.baseUrl,
        classify,
        waitForProjections: () => waitForProjections(pool),
        orderCustomers: async () =>
          (
            await pool.query<{ customer_id: number }>(
              'SELECT customer_id::int AS customer_id FROM orders ORDER BY id',
            )
          ).rows.map((row) => row.customer_id),
        readModelDifferences: () => readModelDifferences(pool),
      }),
    );
  } finally {
    await stack.stop();
    await pool.end();
    await backend.drop();
  }
}

/**
 * One client's orders through counting proxies: each order's work in cloud terms (costBench.ts). Its
 * figures are counts, not CPU: it is left out of the CPU table, where its stack, started and stopped
 * inside it, would show as idle.
 */
const costPhase = () =>
  measureOrderCost({
    server,
    ports,
    resourcePrefix: RESOURCE_PREFIX,
    classify,
    waitForProjections,
  });

async function projectionPhases() {
  const backend = await createBenchBackend('projection', server);
  const pool = createPool(backend.databaseUrl, 2);
  const withStack = async <T>(work: () => Promise<T>): Promise<T> => {
    // each start has an empty in-memory DynamoDB: every run projects the backlog from scratch. The log
    // holds more events than the backlog queued (the rebuild reads them all): healing stays off, or
    // the relay would re-publish the rest as a gap once the backlog is in
    const stack = await startBenchStack(backend, ports, RESOURCE_PREFIX, {
      HEAL_AT_START: 'off',
      HEAL_GAPS_AFTER_MS: '3600000',
    });
    try {
      return await work();
    } finally {
      await stack.stop();
    }
  };
  try {
    const events = [...generateEvents(42, logEvents)];
    const backlog = events.slice(0, backlogEvents);
    await loadEventLog(pool, events);
    // each projector alone: the backlog waits in its queue only while the stack is down
    const catchUpAlone: Record<string, ProjectionFigure> = {};
    for (const projection of projectionNames) {
      await queueBacklog(backend.rabbitmqUrl, EVENTS_EXCHANGE, backlog, projection);
      console.log(`starting the stack with the backlog waiting in the ${projection} queue`);
      const figures = await withStack(() =>
        phase(`catch-up, ${projection} alone`, () => measureCatchUp(backlog, Date.now(), [projection])),
      );
      catchUpAlone[projection] = figures[projection]!;
    }
    // then all three at once, as after an outage of the whole read side, and the rebuild
    await queueBacklog(backend.rabbitmqUrl, EVENTS_EXCHANGE, backlog);
    console.log('starting the stack with the backlog waiting in every projector queue');
    return await withStack(async () => {
      const catchUp = await phase('catch-up, all three at once', () => measureCatchUp(backlog, Date.now()));
      const rebuild = await phase('rebuild', () =>
        measureRebuild(pool, RESOURCE_PREFIX, 'directory', events),
      );
      return { catchUpAlone, catchUp: catchUp as Record<string, ProjectionFigure>, rebuild };
    });
  } finally {
    await pool.end();
    await backend.drop();
  }
}

/** Partition counts the directory's catch-up is measured with, and the round trip each call waits. */
const PARTITION_COUNTS = [1, 2, 4];
const SIMULATED_ROUND_TRIP_MS = 5;

/**
 * The directory's backlog caught up with 1, 2 and 4 partitions, every DynamoDB call of the stack
 * waiting 5 ms first (as within a Region): what partitions buy where a projector waits on the network
 * rather than on this machine's two cores. Each count on a backend of its own, whose topology has
 * that many queues.
 */
async function partitionPhases(): Promise<Record<string, ProjectionFigure>> {
  const events = [...generateEvents(43, backlogEvents)];
  const figures: Record<string, ProjectionFigure> = {};
  try {
    for (const partitions of PARTITION_COUNTS) {
      // the benchmark numbers, routes and watches the streams as the stack will
      configure({ PROJECTION_PARTITIONS: `directory=${partitions}` });
      const backend = await createBenchBackend(`partitions_${partitions}`, server);
      try {
        await queueBacklog(backend.rabbitmqUrl, EVENTS_EXCHANGE, events, 'directory');
        const stack = await startBenchStack(backend, ports, RESOURCE_PREFIX, {
          HEAL_AT_START: 'off',
          HEAL_GAPS_AFTER_MS: '3600000',
          PROJECTION_PARTITIONS: `directory=${partitions}`,
          DYNAMODB_ADDED_LATENCY_MS: String(SIMULATED_ROUND_TRIP_MS),
        });
        try {
          const name = `catch-up, directory, ${partitions} partition${partitions > 1 ? 's' : ''}, ${SIMULATED_ROUND_TRIP_MS} ms a call`;
          figures[String(partitions)] = (
            await phase(name, () => measureCatchUp(events, Date.now(), ['directory']))
          ).directory!;
        } finally {
          await stack.stop();
        }
      } finally {
        await backend.drop();
      }
    }
  } finally {
    configure({ PROJECTION_PARTITIONS: undefined });
  }
  return figures;
}

/** Every read at each tier of orders, on a stack of its own (scale: readScaleBench.ts). */
async function scalePhases() {
  const backend = await createBenchBackend('scale', server);
  const stack = await startBenchStack(backend, ports, RESOURCE_PREFIX, { HEAL_AT_START: 'off' });
  try {
    return await phase('reads at scale', () => measureReadScale(stack.baseUrl, scaleTiers));
  } finally {
    await stack.stop();
    await backend.drop();
  }
}

const startedAt = new Date();
const machine = {
  cpus: os.cpus().length,
  cpuModel: os.cpus()[0]?.model ?? 'unknown',
  memoryGiB: Math.round(os.totalmem() / 2 ** 30),
  os: `${os.type()} ${os.release()}`,
  node: process.version,
};
console.log(
  `npm run bench on ${machine.cpus} × ${machine.cpuModel}, ${machine.memoryGiB} GiB, Node ${machine.node}`,
);
const results: BenchResults = {
  ...(phases.has('floor') && {
    floor: await measureOfflineFloor(ports, loadSeconds, (work) =>
      phase('floor: serverless-offline alone', work),
    ),
  }),
  ...(phases.has('api') && { api: await apiPhases() }),
  ...(phases.has('orders') && { orders: await ordersPhase() }),
  ...(phases.has('cost') && { cost: await costPhase() }),
  ...(phases.has('projection') && { projection: await projectionPhases() }),
  ...(phases.has('partitions') && { partitions: await partitionPhases() }),
  ...(phases.has('scale') && { scale: await scalePhases() }),
};
const targets = targetsOf(results);
printReport(targets, cpu, results);

const outFile =
  values.out ?? `bench-results/bench-${startedAt.toISOString().replaceAll(':', '-').slice(0, 19)}Z.json`;
mkdirSync(path.dirname(path.resolve(outFile)), { recursive: true });
writeFileSync(
  outFile,
  `${JSON.stringify({ command: 'npm run bench', startedAt, machine, options: { loadSeconds, logEvents, backlogEvents, scaleTiers, phases: [...phases] }, results, targets, cpuPercentOfOneCore: cpu }, null, 2)}\n`,
);
console.log(`\nfigures written to ${outFile}`);
// a failed request or an inexact read model is a defect; a missed target is a finding
const defects = targets.filter((target) => target.kind === 'correctness' && !target.met);
process.exit(defects.length === 0 ? 0 : 1);
