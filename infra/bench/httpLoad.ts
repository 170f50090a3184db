// HTTP load with autocannon: a fixed number of concurrent clients (or a fixed rate) for a fixed time,
// each request built afresh so that orders spread over the catalog and the customers.
import autocannon from 'autocannon';
import cliProgress from 'cli-progress';

export interface RequestSpec {
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
}

export interface LoadOptions {
  label: string;
  baseUrl: string;
  connections: number;
  seconds: number;
  /** this many requests in all, however long they take (`seconds` is then ignored) */
  amount?: number;
  /** requests per second over all clients; unset: as fast as the clients can go */
  rate?: number;
  nextRequest: () => RequestSpec;
}

export interface LoadResult {
  requests: number;
  failed: number;
  /** failures by status code (or `error` for a connection error or timeout) */
  failures: Record<string, number>;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  seconds: number;
}

/** A one-line progress bar for a phase that runs for a known time (or a known number of requests). */
export function timeBar(label: string, seconds: number, unit: 's' | 'requests' = 's') {
  const bar = new cliProgress.SingleBar(
    {
      format:
        unit === 's'
          ? `${label.padEnd(22)} [{bar}] {value}/{total} s | {requests} requests`
          : `${label.padEnd(22)} [{bar}] {value}/{total} requests`,
      noTTYOutput: true,
      notTTYSchedule: 5_000,
      stream: process.stdout,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(seconds, 0, { requests: 0 });
  return bar;
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const failures: Record<string, number> = {};
  let responses = 0;
  let finish: (error: Error | null, result: autocannon.Result) => void = () => undefined;
  const finished = new Promise<autocannon.Result>((resolve, reject) => {
    finish = (error, result) => (error ? reject(error) : resolve(result));
  });
  const instance = autocannon(
    {
      url: options.baseUrl,
      connections: options.connections,
      ...(options.amount ? { amount: options.amount } : { duration: options.seconds }),
      ...(options.rate ? { overallRate: options.rate } : {}),
      headers: { 'content-type': 'application/json' },
      requests: [
        {
          setupRequest: (request) => {
            const spec = options.nextRequest();
            return {
              ...request,
              method: spec.method,
              path: spec.path,
              body: spec.body === undefined ? undefined : JSON.stringify(spec.body),
            };
          },
        },
      ],
    },
    (error, result) => finish(error, result),
  );
  instance.on('response', (_client, statusCode) => {
    responses++;
    if (statusCode >= 300) failures[statusCode] = (failures[statusCode] ?? 0) + 1;
  });
  const bar = options.amount
    ? timeBar(options.label, options.amount, 'requests')
    : timeBar(options.label, options.seconds);
  const started = Date.now();
  const ticker = setInterval(
    () =>
      bar.update(
        options.amount ? responses : Math.min(options.seconds, Math.floor((Date.now() - started) / 1000)),
        { requests: responses },
      ),
    1_000,
  );
  const result = await finished;
  clearInterval(ticker);
  bar.update(options.amount ?? options.seconds, { requests: responses });
  bar.stop();
  // `errors` counts connection errors and timeouts together
  if (result.errors > result.timeouts) failures.error = result.errors - result.timeouts;
  if (result.timeouts > 0) failures.timeout = result.timeouts;
  const failed = Object.values(failures).reduce((sum, count) => sum + count, 0);
  return {
    requests: result['2xx'],
    failed,
    failures,
    perSecond: Math.round(result['2xx'] / result.duration),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    seconds: result.duration,
  };
}
