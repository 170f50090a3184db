// CloudWatch metrics as embedded-metric-format log lines (Powertools Metrics): CloudWatch Logs turns
// each line into data points, so a metric costs no API call and no permission. The namespace and the
// `service` dimension come from POWERTOOLS_METRICS_NAMESPACE and POWERTOOLS_SERVICE_NAME
// (serverless.yml: the service, and the service with its stage, so that stages sharing an account
// keep their metrics apart). POWERTOOLS_METRICS_DISABLED=true turns them off: `npm run dev` without
// --verbose and the tests, where the lines would be noise.
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';

export { MetricUnit };
type Unit = (typeof MetricUnit)[keyof typeof MetricUnit];

/** Every metric the functions emit, by name (docs/operating.md, Metrics, lists who emits each). */
export const metricNames = {
  /** HTTP, by route: milliseconds from the request to the answer, as the shared stack sees it */
  requestLatency: 'RequestLatency',
  /** HTTP, by route: 1 for an answer of 5xx, else 0 (the average is the rate) */
  serverErrors: 'ServerErrors',
  /** HTTP, by route: 1 for an answer of 4xx, else 0 */
  clientErrors: 'ClientErrors',
  /** the relay, per batch: events published, and the milliseconds until the broker confirmed them */
  relayBatchSize: 'RelayBatchSize',
  relayPublishLatency: 'RelayPublishLatency',
  /** the relay, per projector at each look for gaps: how far the projector is behind its stream */
  eventsBehind: 'EventsBehind',
  secondsBehind: 'SecondsBehind',
  heldEvents: 'HeldEvents',
  /** a projector, per batch */
  appliedEvents: 'AppliedEvents',
  duplicateEvents: 'DuplicateEvents',
  parkedEvents: 'ParkedEvents',
} as const;

export type MetricName = (typeof metricNames)[keyof typeof metricNames];

/** The namespace the functions emit into when serverless.yml does not say (tests, tools). */
export const DEFAULT_NAMESPACE = 'cqrs-commerce';

export const metrics = new Metrics({
  namespace: process.env.POWERTOOLS_METRICS_NAMESPACE || DEFAULT_NAMESPACE,
  serviceName: process.env.POWERTOOLS_SERVICE_NAME || 'cqrs-commerce',
});

/**
 * Emits `values` with `dimensions` (beside `service`) as one line, now. From the first dimension to
 * the line it is synchronous, so invocations that share a process (serverless-offline, the tests)
 * never mix their dimensions; nothing waits for a flush at the end of an invocation.
 */
export function emitMetrics(
  dimensions: Record<string, string>,
  values: Partial<Record<MetricName, [Unit, number]>>,
  target: Metrics = metrics,
): void {
  for (const [name, value] of Object.entries(dimensions)) target.addDimension(name, value);
  for (const [name, [unit, value]] of Object.entries(values)) target.addMetric(name, unit, value);
  target.publishStoredMetrics();
}
