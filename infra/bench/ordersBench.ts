// The orders phase: issue 22's load (a catalog of 1,000 products, 4,000 catalog orders from 32
// clients, then every order read back) on a fresh stack, and the busy CPU each order took, every
// process of the stack together and per part: what an order costs this machine, writes and
// projection until every order is visible, with the read-back apart.
import { createCatalog, orderOf } from './catalogOrders.ts';
import { BENCHMARK_PART, cpuBetween, OTHER_PART, snapshotCpu, type Classifier } from './cpuProfile.ts';
import { runLoad, type LoadResult } from './httpLoad.ts';

export interface OrdersResult {
  products: number;
  writes: LoadResult;
  /** from the first order sent until every order was visible in every read model */
  visibleSeconds: number;
  /** of which after the last order was answered */
  visibleAfterLastSeconds: number;
  /** busy CPU ms per accepted order, writes and projection, by part (the benchmark and `other` too) */
  cpuMsPerOrder: Record<string, number>;
  /** the same, summed over the parts of the stack: neither the benchmark nor `other` */
  pipelineCpuMsPerOrder: number;
  /** each order's customer's lifetime value, read once per order */
  readBack: LoadResult;
  /** busy CPU ms per read of the read-back, by part */
  readBackCpuMsPerRead: Record<string, number>;
  readBackPipelineCpuMsPerRead: number;
  /** differing fields per read model afterwards */
  differences: Record<string, number>;
}

export interface OrdersOptions {
  baseUrl: string;
  classify: Classifier;
  /** resolves once every read model has applied every event of the log */
  waitForProjections(): Promise<void>;
  /** the customer of every order in the database, one entry per order */
  orderCustomers(): Promise<number[]>;
  readModelDifferences(): Promise<Record<string, number>>;
  products?: number;
  orders?: number;
  connections?: number;
}

const round = (value: number, places = 2) => Math.round(value * 10 ** places) / 10 ** places;

/** CPU seconds per part over `count` units, in ms each, and the stack's sum. */
function perUnit(seconds: Record<string, number> | undefined, count: number) {
  const ms = Object.fromEntries(
    Object.entries(seconds ?? {}).map(([part, used]) => [part, round((1000 * used) / Math.max(count, 1))]),
  );
  const pipeline = Object.entries(ms)
    .filter(([part]) => part !== BENCHMARK_PART && part !== OTHER_PART)
    .reduce((sum, [, value]) => sum + value, 0);
  return { ms, pipeline: round(pipeline) };
}

export async function measureOrders(options: OrdersOptions): Promise<OrdersResult> {
  const { baseUrl, classify, products = 1_000, orders = 4_000, connections = 32 } = options;
  console.log(`orders: creating a catalog of ${products.toLocaleString('en')} products`);
  const catalog = await createCatalog(baseUrl, products, 'Wide');
  // the catalog's own events are projected before the count starts: they are not the orders' cost
  await options.waitForProjections();

  const before = snapshotCpu();
  const started = performance.now();
  // no warm-up: the load on a fresh stack, the first order's cold start included (a few
  // hundred ms of CPU over 4,000 orders)
  const writes = await runLoad({
    label: `orders (${orders.toLocaleString('en')})`,
    baseUrl,
    connections,
    seconds: 0,
    amount: orders,
    nextRequest: () => orderOf(catalog),
  });
  const answered = performance.now();
  await options.waitForProjections();
  const visible = performance.now();
  const written = perUnit(cpuBetween(before, snapshotCpu(), classify), writes.requests);

  // one read per order: its customer's lifetime value, the read the analytics seed answers an order with
  const customers = await options.orderCustomers();
  let next = 0;
  const readsBefore = snapshotCpu();
  const readBack = await runLoad({
    label: 'orders read back',
    baseUrl,
    connections,
    seconds: 0,
    amount: customers.length,
    nextRequest: () => ({
      method: 'GET',
      path: `/api/analytics/customers/${customers[next++ % customers.length]}/lifetime-value`,
    }),
  });
  const read = perUnit(cpuBetween(readsBefore, snapshotCpu(), classify), readBack.requests);
  console.log('orders: comparing every read model with PostgreSQL');
  return {
    products,
    writes,
    visibleSeconds: round((visible - started) / 1000),
    visibleAfterLastSeconds: round((visible - answered) / 1000),
    cpuMsPerOrder: written.ms,
    pipelineCpuMsPerOrder: written.pipeline,
    readBack,
    readBackCpuMsPerRead: read.ms,
    readBackPipelineCpuMsPerRead: read.pipeline,
    differences: await options.readModelDifferences(),
  };
}
