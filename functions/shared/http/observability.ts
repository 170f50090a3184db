// What the shared HTTP stack reports of each request beside its log line: a trace of it (tracer.ts),
// and its latency and outcome by route, as metrics (metrics.ts). One middleware list, used once in
// httpHandler.ts.
import type middy from '@middy/core';
import type { Metrics } from '@aws-lambda-powertools/metrics';
import { emitMetrics, metricNames, metrics as sharedMetrics, MetricUnit } from '../metrics.ts';
import { traceInvocations } from '../tracer.ts';
import type { HttpEvent, HttpResult, RouteContext } from './middlewares.ts';

type Middleware = middy.MiddlewareObj<HttpEvent, HttpResult, Error, RouteContext>;
type Request = middy.Request<HttpEvent, HttpResult, Error, RouteContext>;

/**
 * RequestLatency, ServerErrors and ClientErrors with the route as API Gateway names it
 * (`POST /api/orders`, `$default` for whatever no route takes): a dimension of a few dozen values,
 * never the path asked. Errors are 1 or 0 per request, so their average is the rate.
 */
export function requestMetrics(metrics: Metrics = sharedMetrics): Middleware {
  // per request: serverless-offline runs requests of one handler concurrently in one process
  const started = new WeakMap<Request, number>();
  const emit = async (request: Request) => {
    const status = request.response?.statusCode ?? 500;
    emitMetrics(
      { route: request.event.routeKey || '$default' },
      {
        [metricNames.requestLatency]: [
          MetricUnit.Milliseconds,
          Math.round(performance.now() - (started.get(request) ?? performance.now())),
        ],
        [metricNames.serverErrors]: [MetricUnit.Count, status >= 500 ? 1 : 0],
        [metricNames.clientErrors]: [MetricUnit.Count, status >= 400 && status < 500 ? 1 : 0],
      },
      metrics,
    );
  };
  return {
    before: async (request) => {
      started.set(request, performance.now());
    },
    after: emit,
    onError: emit,
  };
}

/** The stack's observability, in the order it runs: the trace's subsegment encloses the rest. */
export const observability = (): Middleware[] => [...(traceInvocations() as Middleware[]), requestMetrics()];
