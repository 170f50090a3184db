// The benchmark's verdicts and its printed table: each figure beside its target, then the
// correctness checks (no failed request, every read model exact), then where the CPU went.
import { markdownTable } from '../terminal/markdownTable.ts';
import type { FreshnessResult } from './freshness.ts';
import type { CostResult } from './costBench.ts';
import { BENCHMARK_PART, OTHER_PART } from './cpuProfile.ts';
import type { LoadResult } from './httpLoad.ts';
import { totalsOf, type Counts } from './wireCounts.ts';
import type { OrdersResult } from './ordersBench.ts';
import type { ProjectionFigure } from './projectionBench.ts';
import type { ScaleTier } from './readScaleBench.ts';

/** What the API phases measured, on one stack. */
export interface ApiResults {
  writesWide: LoadResult;
  writesHot: LoadResult;
  freshnessLow: FreshnessResult;
  freshnessLoaded: FreshnessResult;
  steadyLoad: LoadResult;
  /** freshness at a rate below what this machine takes */
  freshnessSustained: FreshnessResult;
  sustainedLoad: LoadResult;
  reads: LoadResult;
  /** differing fields per read model after the API phases */
  differences: Record<string, number>;
}

/** What the projection phases measured. */
export interface ProjectionResults {
  /** each projector catching up alone */
  catchUpAlone: Record<string, ProjectionFigure>;
  /** the three catching up at once */
  catchUp: Record<string, ProjectionFigure>;
  rebuild: ProjectionFigure;
}

/** Each group is there when its phases ran (`--phases`). */
export interface BenchResults {
  /** serverless-offline serving a Lambda that does nothing: the ceiling of every HTTP figure */
  floor?: LoadResult;
  api?: ApiResults;
  /** issue 22's load: 4,000 orders from 32 clients, busy CPU per order */
  orders?: OrdersResult;
  /** one client's orders through counting proxies: each order's work in cloud terms */
  cost?: CostResult;
  projection?: ProjectionResults;
  /** the directory's catch-up by partition count, with a simulated DynamoDB round trip */
  partitions?: Record<string, ProjectionFigure>;
  /** every read at each tier of orders */
  scale?: ScaleTier[];
}

export interface Verdict {
  figure: string;
  measured: string;
  target: string;
  met: boolean;
  /**
   * a missed `target` is a finding; a failed `correctness` check is a defect; a `context` figure has
   * no target of its own (the floor, the three projectors at once)
   */
  kind: 'target' | 'correctness' | 'context';
}

/** % of a core taken by processes outside the stack above which a phase is reported as disturbed. */
const DISTURBED_PERCENT = 10;

const load = (result: LoadResult) => `${result.perSecond}/s, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms`;
const fresh = (result: FreshnessResult) =>
  `p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms (${result.probes} probes)`;
const rate = (figure: ProjectionFigure) =>
  `${figure.perSecond} events/s (${figure.events} in ${figure.seconds} s)`;
const failures = (result: LoadResult) =>
  Object.entries(result.failures)
    .map(([status, count]) => `${count}× ${status}`)
    .join(', ');

const floorVerdict = (floor: LoadResult): Verdict => ({
  figure: 'floor: serverless-offline, a Lambda doing nothing, 32 clients',
  measured: load(floor),
  target: 'the most any route can answer',
  met: true,
  kind: 'context',
});

function apiVerdicts(api: ApiResults): Verdict[] {
  const loads = {
    writesWide: api.writesWide,
    writesHot: api.writesHot,
    steadyLoad: api.steadyLoad,
    sustainedLoad: api.sustainedLoad,
    reads: api.reads,
  };
  const failed = Object.values(loads).reduce((sum, result) => sum + result.failed, 0);
  const probeFailures = api.freshnessLow.failed + api.freshnessLoaded.failed + api.freshnessSustained.failed;
  return [
    {
      figure: 'POST /api/orders, 1,000 products, 32 clients',
      measured: load(api.writesWide),
      target: '≥ 2,000/s, p99 < 100 ms',
      met: api.writesWide.perSecond >= 2_000 && api.writesWide.p99Ms < 100,
      kind: 'target',
    },
    {
      figure: 'POST /api/orders, 20 products, 32 clients',
      measured: load(api.writesHot),
      target: '≥ 1,000/s, p99 < 100 ms',
      met: api.writesHot.perSecond >= 1_000 && api.writesHot.p99Ms < 100,
      kind: 'target',
    },
    {
      figure: 'freshness, low load',
      measured: fresh(api.freshnessLow),
      target: 'p99 < 100 ms',
      met: api.freshnessLow.p99Ms < 100,
      kind: 'target',
    },
    {
      figure: 'freshness, steady 500 orders/s',
      measured: `${fresh(api.freshnessLoaded)} at ${api.steadyLoad.perSecond} orders/s`,
      target: 'p99 < 250 ms at 500/s',
      met: api.freshnessLoaded.p99Ms < 250 && api.steadyLoad.perSecond >= 490,
      kind: 'target',
    },
    {
      figure: 'freshness, steady load this machine sustains',
      measured: `${fresh(api.freshnessSustained)} at ${api.sustainedLoad.perSecond} orders/s`,
      target: '',
      met: true,
      kind: 'context',
    },
    {
      figure: 'GET analytics and invoices, 32 clients',
      measured: load(api.reads),
      target: '≥ 3,000/s, p99 < 20 ms',
      met: api.reads.perSecond >= 3_000 && api.reads.p99Ms < 20,
      kind: 'target',
    },
    {
      figure: 'failed requests',
      measured:
        failed + probeFailures === 0
          ? '0'
          : Object.entries(loads)
              .filter(([, result]) => result.failed > 0)
              .map(([name, result]) => `${name}: ${failures(result)}`)
              .concat(probeFailures > 0 ? [`freshness probes: ${probeFailures}`] : [])
              .join('; '),
      target: '0',
      met: failed + probeFailures === 0,
      kind: 'correctness',
    },
  ];
}

/** `total ms (part a, part b…)`, largest first; the benchmark and anything else apart, after. */
const cpuPerUnit = (pipeline: number, byPart: Record<string, number>) => {
  const parts = Object.entries(byPart).filter(([part]) => part !== BENCHMARK_PART && part !== OTHER_PART);
  return (
    `${pipeline.toFixed(2)} ms (${parts.map(([part, ms]) => `${part} ${ms.toFixed(2)}`).join(', ')}); ` +
    `not counted: the benchmark's load generator ${(byPart[BENCHMARK_PART] ?? 0).toFixed(2)} ms, ` +
    `anything else on the machine ${(byPart[OTHER_PART] ?? 0).toFixed(2)} ms`
  );
};

function ordersVerdicts(orders: OrdersResult): Verdict[] {
  const { writes, readBack } = orders;
  const count = writes.requests + writes.failed;
  return [
    {
      figure: `orders: POST /api/orders, ${count.toLocaleString('en')} on ${orders.products.toLocaleString('en')} products, 32 clients`,
      measured: `${load(writes)}, ${writes.failed} failed`,
      target: '',
      met: true,
      kind: 'context',
    },
    {
      figure: 'orders: every order visible in the read models',
      measured: `${orders.visibleSeconds} s after the first order was sent (${orders.visibleAfterLastSeconds} s after the last was answered)`,
      target: '',
      met: true,
      kind: 'context',
    },
    {
      figure: 'orders: busy CPU per order, every process of the stack, writes and projection',
      measured: cpuPerUnit(orders.pipelineCpuMsPerOrder, orders.cpuMsPerOrder),
      target: '',
      met: true,
      kind: 'context',
    },
    {
      figure: 'orders: every order read back (its customer’s lifetime value), 32 clients',
      measured: `${load(readBack)}, ${readBack.failed} failed; busy CPU per read ${cpuPerUnit(orders.readBackPipelineCpuMsPerRead, orders.readBackCpuMsPerRead)}`,
      target: '',
      met: true,
      kind: 'context',
    },
    {
      figure: 'orders: failed requests',
      measured:
        writes.failed + readBack.failed === 0
          ? '0'
          : [
              ...(writes.failed > 0 ? [`orders: ${failures(writes)}`] : []),
              ...(readBack.failed > 0 ? [`read back: ${failures(readBack)}`] : []),
            ].join('; '),
      target: '0',
      met: writes.failed + readBack.failed === 0,
      kind: 'correctness',
    },
  ];
}

const figure = (value: number) => String(Math.round(value * 100) / 100);

/** `total what (who a, who b…)` over the rows of `counts` that have `what`. */
const byWho = (counts: Counts, what: string) => {
  const rows = Object.entries(counts).filter(([, row]) => (row[what] ?? 0) !== 0);
  const total = rows.reduce((sum, [, row]) => sum + row[what]!, 0);
  return `${figure(total)} ${what} (${rows.map(([who, row]) => `${who} ${figure(row[what]!)}`).join(', ') || 'none'})`;
};

function costVerdicts(cost: CostResult): Verdict[] {
  const context = (name: string, measured: string): Verdict => ({
    figure: `cost per order (${cost.orders} orders, one client): ${name}`,
    measured,
    target: '',
    met: true,
    kind: 'context',
  });
  // DynamoDB by projection (the table's name), each caller's requests beside its writes
  const tables = [...new Set(Object.keys(cost.dynamoDb).map((who) => who.split(' · ')[0]!))];
  const dynamoDb = tables.map((table) => {
    const rows = Object.entries(cost.dynamoDb).filter(([who]) => who.split(' · ')[0] === table);
    const callers = rows.map(([who, row]) => {
      const requests = Object.entries(row)
        .filter(([what]) => /^[A-Z]/.test(what))
        .map(([what, count]) => `${what} ${figure(count)}`)
        .join(' + ');
      const writes = row['write units']
        ? `; ${figure(row['items written'] ?? 0)} items, ${figure(row['write units'])} write units` +
          (row['index write units'] ? ` + ${figure(row['index write units'])} on indexes` : '')
        : '';
      return `${who.split(' · ')[1]}: ${requests}${writes}`;
    });
    return `${table}: ${callers.join('; ')}`;
  });
  const idle = Object.entries(cost.idlePerSecond)
    .map(([service, counts]) => {
      const totals = totalsOf(counts);
      const main = { postgres: 'roundTrips', dynamoDb: 'write units', broker: 'publishes' }[service]!;
      const requests = Object.entries(totals)
        .filter(([what]) => /^[A-Z]/.test(what))
        .reduce((sum, [, count]) => sum + count, 0);
      return service === 'dynamoDb'
        ? `DynamoDB ${figure(requests)} requests`
        : `${service === 'postgres' ? 'PostgreSQL' : 'broker'} ${figure(totals[main] ?? 0)} ${main}`;
    })
    .join(', ');
  const lambdas = Object.entries(cost.lambdaPerOrder)
    .map(([name, { invocations, ms }]) => `${name} ${figure(ms)} ms (${figure(invocations)} invocations)`)
    .join(', ');
  return [
    context('PostgreSQL round trips', byWho(cost.postgres, 'roundTrips')),
    context('PostgreSQL statements', byWho(cost.postgres, 'statements')),
    context('DynamoDB requests and writes, by projection and caller', dynamoDb.join(' | ')),
    context('broker publishes', byWho(cost.broker, 'publishes')),
    context(
      'the API Lambda’s time, POST /api/orders',
      `p50 ${cost.apiLambdaP50Ms} ms, p99 ${cost.apiLambdaP99Ms} ms (the handler's duration as serverless-offline reports it; each PostgreSQL round trip crosses the counting proxy)`,
    ),
    context('every Lambda’s time, summed per order', lambdas),
    context('with no order in flight, per second (included above)', idle),
  ];
}

function projectionVerdicts(projection: ProjectionResults): Verdict[] {
  const { catchUpAlone, catchUp, rebuild } = projection;
  return [
    ...Object.entries(catchUpAlone).map(([projector, figure]) => ({
      figure: `catch-up, ${projector} projector alone`,
      measured: rate(figure),
      target: '≥ 2,000 events/s',
      met: figure.perSecond >= 2_000,
      kind: 'target' as const,
    })),
    {
      figure: 'catch-up, the three projectors at once',
      measured: `${Object.values(catchUp).reduce((sum, figure) => sum + figure.perSecond, 0)} events/s in all (${Object.entries(
        catchUp,
      )
        .map(([projector, figure]) => `${projector} ${figure.perSecond}`)
        .join(', ')})`,
      target: '',
      met: true,
      kind: 'context',
    },
    {
      figure: 'rebuild, directory (every event type)',
      measured: rate(rebuild),
      target: '≥ 2,000 events/s',
      met: rebuild.perSecond >= 2_000,
      kind: 'target',
    },
  ];
}

function partitionVerdicts(partitions: Record<string, ProjectionFigure>): Verdict[] {
  const one = partitions['1']?.perSecond ?? 0;
  return Object.entries(partitions).map(([count, figure]) => ({
    figure: `catch-up, directory, ${count} partition(s), 5 ms a DynamoDB call`,
    measured: `${rate(figure)}${count === '1' || one === 0 ? '' : `: ${(figure.perSecond / one).toFixed(2)}× one partition`}`,
    target: count === '1' ? '' : `close to ${count}× one partition`,
    met: count === '1' || figure.perSecond >= 0.75 * Number(count) * one,
    kind: count === '1' ? ('context' as const) : ('target' as const),
  }));
}

function scaleVerdicts(tiers: readonly ScaleTier[]): Verdict[] {
  const first = tiers[0];
  const last = tiers.at(-1);
  if (!first || !last || first === last) return [];
  const ratios = Object.entries(last.p50Ms).map(
    ([read, ms]) => [read, ms / Math.max(first.p50Ms[read] ?? ms, 0.1)] as const,
  );
  const worst = ratios.reduce((top, entry) => (entry[1] > top[1] ? entry : top));
  const firstPages = tiers.flatMap((tier) =>
    Object.entries(tier.p50Ms)
      .filter(([read]) => !read.includes('cursor page'))
      .map(([read, ms]) => [read, ms, tier.orders] as const),
  );
  const slowest = firstPages.reduce((top, entry) => (entry[1] > top[1] ? entry : top));
  const count = (orders: number) => orders.toLocaleString('en');
  return [
    {
      figure: `every read's median at ${count(last.orders)} orders against ${count(first.orders)}`,
      measured: `${ratios.filter(([, ratio]) => ratio <= 1.5).length} of ${ratios.length} within 1.5×; the most: ${worst[0]} ${worst[1].toFixed(2)}×`,
      target: 'all within 1.5×',
      met: worst[1] <= 1.5,
      kind: 'target',
    },
    {
      figure: 'every first page, an invoice and the analytics reads, p50, at every tier',
      measured: `the slowest: ${slowest[0]} ${slowest[1]} ms at ${count(slowest[2])} orders`,
      target: '< 50 ms',
      met: slowest[1] < 50,
      kind: 'target',
    },
  ];
}

/** Every comparison of a read model with its recomputation, and how many fields differed. */
function comparisons(results: BenchResults): (readonly [string, number])[] {
  const { api, orders, projection } = results;
  return [
    ...Object.entries(api?.differences ?? {}).map(
      ([model, count]) => [`${model} (API phases)`, count] as const,
    ),
    ...Object.entries(orders?.differences ?? {}).map(
      ([model, count]) => [`${model} (orders phase)`, count] as const,
    ),
    ...Object.entries(projection?.catchUpAlone ?? {}).map(
      ([model, figure]) => [`${model} (catch-up alone)`, figure.differences] as const,
    ),
    ...Object.entries(projection?.catchUp ?? {}).map(
      ([model, figure]) => [`${model} (catch-up, all at once)`, figure.differences] as const,
    ),
    ...(projection ? [['directory (rebuild)', projection.rebuild.differences] as const] : []),
    ...Object.entries(results.partitions ?? {}).map(
      ([count, figure]) => [`directory (${count} partition(s))`, figure.differences] as const,
    ),
  ];
}

export function targetsOf(results: BenchResults): Verdict[] {
  const verdicts: Verdict[] = [
    ...(results.floor ? [floorVerdict(results.floor)] : []),
    ...(results.api ? apiVerdicts(results.api) : []),
    ...(results.orders ? ordersVerdicts(results.orders) : []),
    ...(results.cost ? costVerdicts(results.cost) : []),
    ...(results.projection ? projectionVerdicts(results.projection) : []),
    ...(results.partitions ? partitionVerdicts(results.partitions) : []),
    ...(results.scale ? scaleVerdicts(results.scale) : []),
  ];
  const differences = comparisons(results);
  const inexact = differences.filter(([, count]) => count > 0);
  verdicts.push({
    figure: 'read models exact (item by item, to the cent)',
    measured:
      inexact.length === 0
        ? `all ${differences.length} comparisons exact`
        : inexact.map(([model, count]) => `${model}: ${count} differences`).join('; '),
    target: '0 differences',
    met: inexact.length === 0,
    kind: 'correctness',
  });
  return verdicts;
}

export function printReport(
  verdicts: readonly Verdict[],
  cpu: Record<string, Record<string, number> | undefined>,
  results: BenchResults = {},
): void {
  console.log(
    '\n' +
      markdownTable(
        ['figure', 'measured', 'target', 'met'],
        verdicts.map((v) => [
          v.figure,
          v.measured,
          v.target,
          v.kind === 'context' ? '' : v.met ? 'yes' : 'no',
        ]),
      ),
  );
  if (results.scale && results.scale.length > 0) {
    const tiers = results.scale;
    console.log('\nReads at scale, median ms of 21 (one client):\n');
    console.log(
      markdownTable(
        ['read', ...tiers.map((tier) => `${tier.orders.toLocaleString('en')} orders`)],
        Object.keys(tiers[0]!.p50Ms).map((read) => [
          read,
          ...tiers.map((tier) => String(tier.p50Ms[read] ?? '')),
        ]),
      ),
    );
  }
  const phases = Object.entries(cpu).filter((entry): entry is [string, Record<string, number>] =>
    Boolean(entry[1]),
  );
  if (phases.length === 0) return;
  // 'other' last: what else ran on the machine meanwhile, which the phase's figures paid for
  const parts = [
    ...[...new Set(phases.flatMap(([, used]) => Object.keys(used)))].filter((part) => part !== OTHER_PART),
    OTHER_PART,
  ];
  console.log('\nCPU per phase, % of one core (200% = both cores busy):\n');
  console.log(
    markdownTable(
      [
        'phase',
        ...parts.map((part) => (part === OTHER_PART ? 'anything else on the machine' : part)),
        'total',
      ],
      phases.map(([name, used]) => [
        name,
        ...parts.map((part) => String(used[part] ?? 0)),
        String(Object.values(used).reduce((sum, share) => sum + share, 0)),
      ]),
    ),
  );
  const disturbed = phases.filter(([, used]) => (used[OTHER_PART] ?? 0) > DISTURBED_PERCENT);
  if (disturbed.length > 0) {
    console.log(
      `\nNot a quiet machine: other processes took more than ${DISTURBED_PERCENT}% of a core in ` +
        `${disturbed.map(([name]) => name).join(', ')}; those phases' figures are low.`,
    );
  }
}
