// The dashboard follows the catalog: a row per projection with a line per partition, every widget
// on the grid, and a body that is JSON once CloudFormation has filled in its references.
import { describe, expect, it } from 'vitest';
import { projectionNames } from '../../functions/projectors/catalog.ts';
import { catalogStreams } from '../../functions/projectors/streams.ts';
import { dashboardResources, DASHBOARD_ID } from './dashboardResources.ts';

const settings = {
  prefix: 'cqrs-commerce-prod',
  metricsNamespace: 'cqrs-commerce',
  metricsService: 'cqrs-commerce-prod',
};

function body() {
  const { Properties } = dashboardResources(settings)[DASHBOARD_ID] as {
    Properties: { DashboardName: string; DashboardBody: { 'Fn::Sub': string } };
  };
  const references = new Set<string>();
  const filled = Properties.DashboardBody['Fn::Sub'].replace(/\$\{([^}]+)\}/g, (_, name: string) => {
    references.add(name);
    return 'x';
  });
  return {
    name: Properties.DashboardName,
    widgets: JSON.parse(filled).widgets as Record<string, unknown>[],
    references,
  };
}

describe('the operations dashboard', () => {
  it('names the stage and refers only to the region, the HTTP API and the dead-letter queue', () => {
    const { name, references } = body();
    expect(name).toBe('cqrs-commerce-prod');
    expect([...references].sort()).toEqual(['AWS::Region', 'HttpApi', 'ProjectorDeadLetterQueue.QueueName']);
  });

  it('shows every partition of every projection: its lag, what it applied and what it holds', () => {
    const text = JSON.stringify(body().widgets);
    for (const projection of projectionNames) {
      expect(text).toContain(`${projection}: seconds behind, per partition`);
    }
    for (const stream of catalogStreams()) {
      for (const metric of ['SecondsBehind', 'AppliedEvents', 'HeldEvents']) {
        expect(text).toContain(
          JSON.stringify([
            'cqrs-commerce',
            metric,
            'service',
            'cqrs-commerce-prod',
            'projector',
            stream.name,
          ]).slice(1, -1),
        );
      }
    }
  });

  it('lays every widget on the 24-column grid without overlap', () => {
    const cells = new Set<string>();
    for (const widget of body().widgets as { x: number; y: number; width: number; height: number }[]) {
      expect(widget.x + widget.width).toBeLessThanOrEqual(24);
      for (let x = widget.x; x < widget.x + widget.width; x++) {
        for (let y = widget.y; y < widget.y + widget.height; y++) {
          expect(cells.has(`${x},${y}`)).toBe(false);
          cells.add(`${x},${y}`);
        }
      }
    }
  });
});
