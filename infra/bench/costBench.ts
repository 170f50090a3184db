// The cost phase: what one order costs in cloud terms. A small stack of its own reaches PostgreSQL,
// RabbitMQ and DynamoDB (dynalite) through counting proxies that the benchmark runs (the shared
// services are never reconfigured), one client sends orders one after another, and once every order
// is projected the counts are divided by the orders: PostgreSQL round trips and statements per role,
// DynamoDB requests and write units per table (each table is a projection's) and caller, broker
// publishes per user, and each Lambda's time from serverless-offline's own line per invocation.
import { tableDefinitions } from '../deploy/readModelResources.ts';
import { startLocalAws } from '../local/localAws.ts';
import { virtualHostOf } from '../../functions/shared/brokerUsers.ts';
import { databaseNameOf } from '../../functions/shared/databaseRoles.ts';
import { createPool } from '../../functions/shared/postgres.ts';
import { amqpClientReader } from './amqpFrames.ts';
import { createBenchBackend, startBenchStack, type StackPorts } from './benchStack.ts';
import { createCatalog, orderOf } from './catalogOrders.ts';
import type { Classifier } from './cpuProfile.ts';
import { startCountingProxy } from './countingProxy.ts';
import { startDynamoDbCounter, type IndexKeys } from './dynamoDbCounter.ts';
import { postgresFrontendReader } from './postgresMessages.ts';
import { socketOwner } from './socketOwner.ts';
import { copyCounts, countsBetween, type Counts } from './wireCounts.ts';

/** serverless-offline's function name for POST /api/orders (the contract's operationId) */
const ORDER_FUNCTION = 'placeCatalogOrder';
/** what the stack does with no order at all (the relay's schedule, leases) is measured this long */
const IDLE_SECONDS = 5;

export interface CostResult {
  orders: number;
  /** per order, by database role: connections, roundTrips, statements */
  postgres: Counts;
  /** per order, by `table · caller`: requests by operation, items written, write units, index write units */
  dynamoDb: Counts;
  /** per order, by broker user: connections, publishes */
  broker: Counts;
  /** the order handler's own duration (serverless-offline's, as Lambda bills it), median and p99 */
  apiLambdaP50Ms: number;
  apiLambdaP99Ms: number;
  /** every function's invocations and summed duration per order (a relay invocation drains many orders) */
  lambdaPerOrder: Record<string, { invocations: number; ms: number }>;
  /** the same counts per second with no order in flight, which the per-order figures include */
  idlePerSecond: { postgres: Counts; dynamoDb: Counts; broker: Counts };
}

export interface CostOptions {
  server: { postgresUrl: string; rabbitmqUrl: string };
  ports: StackPorts;
  resourcePrefix: string;
  classify: Classifier;
  waitForProjections(pool: ReturnType<typeof createPool>): Promise<void>;
  orders?: number;
  products?: number;
}

/** (λ: placeCatalogOrder) RequestId: …  Duration: 7.23 ms  Billed Duration: 8 ms */
// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;
const INVOCATION = /\(λ: ([^)]+)\) RequestId: \S+\s+Duration: ([\d.]+) ms/;

const hostAndPort = (url: string) => {
  const { hostname, port } = new URL(url);
  return { host: hostname, port: Number(port) };
};

const percentile = (sorted: readonly number[], p: number) =>
  sorted.length === 0 ? 0 : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;

/** Each table's global secondary indexes, as the stack creates them. */
function indexesOf(prefix: string): Record<string, IndexKeys[]> {
  return Object.fromEntries(
    tableDefinitions(prefix).map((table) => [
      table.TableName!,
      (table.GlobalSecondaryIndexes ?? []).map((index) => ({
        keys: (index.KeySchema ?? []).map((key) => key.AttributeName!),
        wholeItem: (index.Projection?.ProjectionType ?? 'ALL') === 'ALL',
      })),
    ]),
  );
}

export async function measureOrderCost(options: CostOptions): Promise<CostResult> {
  const { server, ports, resourcePrefix, classify, orders = 200, products = 1_000 } = options;
  const counts = { postgres: {} as Counts, dynamoDb: {} as Counts, broker: {} as Counts };
  const backend = await createBenchBackend('cost', server);
  // dynalite and sqslite run here, on the ports the benchmark's own clients use (uncounted); the
  // stack is given their endpoints, DynamoDB's through the counter
  const aws = await startLocalAws({ dynamoDbPort: ports.dynamoDb, sqsPort: ports.sqs });
  const postgres = await startCountingProxy(hostAndPort(server.postgresUrl), () =>
    postgresFrontendReader(counts.postgres),
  );
  const broker = await startCountingProxy(hostAndPort(server.rabbitmqUrl), () =>
    amqpClientReader(counts.broker),
  );
  const dynamoDb = await startDynamoDbCounter({
    target: aws.dynamoDbEndpoint,
    counts: counts.dynamoDb,
    tableLabel: (table) => table.replace(`${resourcePrefix}-`, ''),
    indexes: indexesOf(resourcePrefix),
    caller: (clientPort, port) => {
      const owner = socketOwner(clientPort, port);
      return owner ? classify(owner.pid, owner.command).replace(' (serverless-offline)', '') : '?';
    },
  });
  let invocations: { name: string; ms: number }[] | undefined;
  const pool = createPool(backend.databaseUrl, 2);
  try {
    const stack = await startBenchStack(
      {
        ...backend,
        databaseUrl: postgres.urlFor(backend.databaseUrl),
        rabbitmqUrl: broker.urlFor(backend.rabbitmqUrl),
      },
      ports,
      resourcePrefix,
      { DYNAMODB_ENDPOINT: dynamoDb.endpoint, SQS_ENDPOINT: aws.sqsEndpoint },
      {
        verbose: true,
        onLine: (line) => {
          const invocation = INVOCATION.exec(line.replace(ANSI, ''));
          if (invocation && invocations)
            invocations.push({ name: invocation[1]!, ms: Number(invocation[2]) });
        },
      },
    );
    try {
      const url = stack.baseUrl;
      console.log(
        `cost: a catalog of ${products.toLocaleString('en')} products, then ${orders} orders from one client`,
      );
      const catalog = await createCatalog(url, products, 'Cost');
      const placeOrder = async () => {
        const { path, body } = orderOf(catalog);
        const response = await fetch(`${url}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
        await response.arrayBuffer();
        if (response.status !== 201) throw new Error(`cost: an order answered ${response.status}`);
      };
      // unmeasured: the first orders load every Lambda they reach (a cold start is not an order's cost)
      for (let warm = 0; warm < 20; warm++) await placeOrder();
      await options.waitForProjections(pool);
      await dynamoDb.settled();

      const snapshot = () => ({
        postgres: copyCounts(counts.postgres),
        dynamoDb: copyCounts(counts.dynamoDb),
        broker: copyCounts(counts.broker),
      });
      const idleFrom = snapshot();
      await new Promise((resolve) => setTimeout(resolve, IDLE_SECONDS * 1000));
      await dynamoDb.settled();
      const idleTo = snapshot();

      invocations = [];
      const before = snapshot();
      for (let sent = 0; sent < orders; sent++) await placeOrder();
      await options.waitForProjections(pool);
      await dynamoDb.settled();
      const after = snapshot();
      const measured = invocations;
      invocations = undefined;

      const api = measured.filter((entry) => entry.name === ORDER_FUNCTION).map((entry) => entry.ms);
      api.sort((a, b) => a - b);
      const lambdaPerOrder: CostResult['lambdaPerOrder'] = {};
      for (const { name, ms } of measured) {
        const entry = (lambdaPerOrder[name] ??= { invocations: 0, ms: 0 });
        entry.invocations += 1 / orders;
        entry.ms += ms / orders;
      }
      for (const entry of Object.values(lambdaPerOrder)) {
        entry.invocations = Math.round(entry.invocations * 1000) / 1000;
        entry.ms = Math.round(entry.ms * 100) / 100;
      }
      // roles and users are named after the database and the virtual host: the job is what tells them apart
      const jobs = {
        postgres: `${databaseNameOf(backend.databaseUrl)}_`,
        broker: `${virtualHostOf(backend.rabbitmqUrl)}.`,
        dynamoDb: '',
      };
      const per = (part: keyof typeof counts, from: typeof before, to: typeof after, by: number) =>
        Object.fromEntries(
          Object.entries(countsBetween(from[part], to[part], by)).map(([who, row]) => [
            who.replace(jobs[part], ''),
            row,
          ]),
        );
      return {
        orders,
        postgres: per('postgres', before, after, orders),
        dynamoDb: per('dynamoDb', before, after, orders),
        broker: per('broker', before, after, orders),
        apiLambdaP50Ms: percentile(api, 50),
        apiLambdaP99Ms: percentile(api, 99),
        lambdaPerOrder,
        idlePerSecond: {
          postgres: per('postgres', idleFrom, idleTo, IDLE_SECONDS),
          dynamoDb: per('dynamoDb', idleFrom, idleTo, IDLE_SECONDS),
          broker: per('broker', idleFrom, idleTo, IDLE_SECONDS),
        },
      };
    } finally {
      await stack.stop();
    }
  } finally {
    await pool.end();
    await Promise.all([postgres.close(), broker.close(), dynamoDb.close()]);
    await aws.stop();
    await backend.drop();
  }
}
