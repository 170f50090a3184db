// A metric is one line of CloudWatch's embedded metric format: the namespace, the dimension set
// (service and what the caller names) and each value with its unit, published at once.
import { Metrics } from '@aws-lambda-powertools/metrics';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { emitMetrics, MetricUnit } from './metrics.ts';

afterEach(() => {
  vi.unstubAllEnvs();
  vi.restoreAllMocks();
});

function printed(write: () => void): Record<string, unknown>[] {
  const lines: string[] = [];
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    lines.push(String(chunk));
    return true;
  });
  write();
  vi.mocked(process.stdout.write).mockRestore();
  return lines.flatMap((text) => text.split('\n').filter(Boolean)).map((line) => JSON.parse(line));
}

describe('emitMetrics', () => {
  it('writes one EMF line per call, with its own dimensions beside service', () => {
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
    const target = new Metrics({ namespace: 'cqrs-commerce', serviceName: 'cqrs-commerce-prod' });
    const lines = printed(() => {
      emitMetrics(
        { projector: 'invoices' },
        { EventsBehind: [MetricUnit.Count, 3], SecondsBehind: [MetricUnit.Seconds, 1.5] },
        target,
      );
      emitMetrics({}, { RelayBatchSize: [MetricUnit.Count, 40] }, target);
    });
    expect(lines).toEqual([
      {
        _aws: {
          Timestamp: expect.any(Number),
          CloudWatchMetrics: [
            {
              Namespace: 'cqrs-commerce',
              Dimensions: [['service', 'projector']],
              Metrics: [
                { Name: 'EventsBehind', Unit: 'Count' },
                { Name: 'SecondsBehind', Unit: 'Seconds' },
              ],
            },
          ],
        },
        service: 'cqrs-commerce-prod',
        projector: 'invoices',
        EventsBehind: 3,
        SecondsBehind: 1.5,
      },
      expect.objectContaining({ service: 'cqrs-commerce-prod', RelayBatchSize: 40 }),
    ]);
    expect(lines[1]).not.toHaveProperty('projector');
  });

  it('writes nothing, and warns of nothing, when POWERTOOLS_METRICS_DISABLED is true', () => {
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'true');
    const target = new Metrics({ namespace: 'cqrs-commerce', serviceName: 'cqrs-commerce-dev' });
    const warned = vi.spyOn(console, 'warn');
    expect(
      printed(() => emitMetrics({ route: 'GET /todos' }, { ServerErrors: [MetricUnit.Count, 0] }, target)),
    ).toEqual([]);
    expect(warned).not.toHaveBeenCalled();
  });
});
